package adapter_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/sessionid"
	"github.com/dancergo/dancergo/internal/e2e"
)

// TestSharedWithPlainSCS runs a Dancer-style handler and a plain scs handler
// on one store, codec and cookie name, as two services behind one domain:
// each sees what the other wrote, and a logout on either side ends the
// session for both.
func TestSharedWithPlainSCS(t *testing.T) {
	store := memstore.NewWithCleanupInterval(0)

	plain := scs.New()
	plain.Store = store
	plain.Codec = scs.GobCodec{}
	plain.Cookie.Name = "dancer.session"
	plainMux := http.NewServeMux()
	plainMux.HandleFunc("/put", func(w http.ResponseWriter, r *http.Request) {
		plain.Put(r.Context(), "cart", r.URL.Query().Get("v"))
	})
	plainMux.HandleFunc("/get", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, plain.GetString(r.Context(), "user")+"|"+plain.GetString(r.Context(), "cart"))
	})
	plainMux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) {
		if err := plain.Destroy(r.Context()); err != nil {
			t.Error(err)
		}
	})
	plainSrv := httptest.NewServer(plain.LoadAndSave(plainMux))
	defer plainSrv.Close()

	dancer := adapter.New(&adapter.StoreEngine{Store: store, Codec: scs.GobCodec{}, IDs: sessionid.Token{}}, nil)
	dancerMux := http.NewServeMux()
	dancerMux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		s := adapter.From(r)
		if err := s.Set("user", r.URL.Query().Get("v")); err != nil {
			t.Error(err)
		}
	})
	dancerMux.HandleFunc("/get", func(w http.ResponseWriter, r *http.Request) {
		s := adapter.From(r)
		user, _ := s.Get("user")
		cart, _ := s.Get("cart")
		str := func(v any) string { s, _ := v.(string); return s }
		io.WriteString(w, str(user)+"|"+str(cart))
	})
	dancerMux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) {
		if err := adapter.From(r).Destroy(); err != nil {
			t.Error(err)
		}
	})
	dancerSrv := httptest.NewServer(dancer.Middleware(dancerMux))
	defer dancerSrv.Close()

	client := e2e.Client(t)
	get := func(url string) string {
		t.Helper()
		return e2e.Send(t, client, http.MethodGet, url, nil).Body
	}

	get(dancerSrv.URL + "/login?v=alice")
	if got := get(plainSrv.URL + "/get"); got != "alice|" {
		t.Fatalf("scs sees %q after a Dancer-style login", got)
	}
	get(plainSrv.URL + "/put?v=book")
	if got := get(dancerSrv.URL + "/get"); got != "alice|book" {
		t.Fatalf("dancergo sees %q after scs wrote the cart", got)
	}
	get(plainSrv.URL + "/logout")
	if got := get(dancerSrv.URL + "/get"); got != "|" {
		t.Fatalf("after a logout in scs, dancergo sees %q", got)
	}

	// And the other way: scs starts the session, dancergo ends it.
	get(plainSrv.URL + "/put?v=pen")
	if got := get(dancerSrv.URL + "/get"); got != "|pen" {
		t.Fatalf("dancergo sees %q of a session scs created", got)
	}
	get(dancerSrv.URL + "/logout")
	if got := get(plainSrv.URL + "/get"); got != "|" {
		t.Fatalf("after a logout in dancergo, scs sees %q", got)
	}
}
