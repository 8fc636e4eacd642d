package adapter_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/engines/simple"
	"github.com/dancergo/dancergo/internal/e2e"
)

// TestDestroyAndRenewIDWinOverAConcurrentUpdate: a request that loaded the
// session and changed a key, but saves only after another request of the
// same browser destroyed the session or renewed its id, does not bring the
// old session back, and its change is not carried into the new one.
func TestDestroyAndRenewIDWinOverAConcurrentUpdate(t *testing.T) {
	for _, tc := range []struct {
		name     string
		op       func(*adapter.Session) error
		wantUser string // in the browser's session afterwards
	}{
		{"destroy", (*adapter.Session).Destroy, "<nil>"},
		{"renew id", (*adapter.Session).RenewID, "alice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := simple.New()
			m := adapter.New(e, nil)
			changed, release := make(chan struct{}), make(chan struct{})
			mux := http.NewServeMux()
			mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
				_ = adapter.From(r).Set("user", "alice")
			})
			mux.HandleFunc("POST /slow", func(w http.ResponseWriter, r *http.Request) {
				_ = adapter.From(r).Set("cart", "book")
				close(changed)
				<-release
			})
			mux.HandleFunc("POST /op", func(w http.ResponseWriter, r *http.Request) {
				if err := tc.op(adapter.From(r)); err != nil {
					t.Error(err)
				}
			})
			mux.HandleFunc("GET /show", func(w http.ResponseWriter, r *http.Request) {
				s := adapter.From(r)
				user, _ := s.Get("user")
				cart, _ := s.Get("cart")
				fmt.Fprintf(w, "%v %v", user, cart)
			})
			srv := httptest.NewServer(m.Middleware(mux))
			defer srv.Close()
			c := e2e.Client(t)
			post := func(path string) {
				resp, err := c.Post(srv.URL+path, "", nil)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
			}
			post("/login")
			oldID := e2e.CookieValue(c, srv.URL, m.Cookie.Name)
			if oldID == "" {
				t.Fatal("no session cookie")
			}

			slow := make(chan struct{})
			go func() { defer close(slow); post("/slow") }()
			<-changed
			post("/op")
			close(release)
			<-slow

			if _, found, err := e.Load(t.Context(), oldID); err != nil || found {
				t.Errorf("the old session is stored after the late update: found %v, %v", found, err)
			}
			body := e2e.Send(t, c, http.MethodGet, srv.URL+"/show", nil).Body
			if want := tc.wantUser + " <nil>"; body != want {
				t.Errorf("the browser's session afterwards: %q, want %q", body, want)
			}
		})
	}
}
