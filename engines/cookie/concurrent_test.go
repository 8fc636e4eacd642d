package cookie

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/internal/e2e"
)

// sessionServer serves an examples/login-style /session (POST sets the
// form's keys, GET answers the session as JSON) and /login (POST sets
// user), behind the adapter on a Cookie engine.
func sessionServer(t testing.TB, logs io.Writer) *httptest.Server {
	t.Helper()
	e, err := New(Options{Key: fixtureKey})
	if err != nil {
		t.Fatal(err)
	}
	m := adapter.New(e, nil)
	m.Logger = slog.New(slog.NewTextHandler(logs, nil))
	mux := http.NewServeMux()
	mux.HandleFunc("POST /session", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		for k, v := range r.PostForm {
			err := adapter.From(r).Set(k, v[0])
			if errors.Is(err, adapter.ErrTooLarge) {
				http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
				return
			}
			if err != nil {
				return
			}
		}
	})
	mux.HandleFunc("GET /session", func(w http.ResponseWriter, r *http.Request) {
		all, err := adapter.From(r).All()
		if err != nil {
			return
		}
		b, _ := perl.MarshalJSON(all)
		_, _ = w.Write(b)
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		_ = adapter.From(r).Set("user", "alice")
	})
	srv := httptest.NewServer(m.Middleware(mux))
	t.Cleanup(srv.Close)
	return srv
}

func login(t testing.TB, c *http.Client, srv *httptest.Server) {
	t.Helper()
	if r := e2e.Send(t, c, http.MethodPost, srv.URL+"/login", nil); r.Code != http.StatusOK {
		t.Fatalf("login: %d", r.Code)
	}
}

// TestConcurrentRequestsLastCookieWins shows what the Cookie engine does
// NOT guarantee: overlapping requests of one browser each send back the
// whole session in a new cookie, and the browser keeps the one it got
// last, so keys set by the others are lost (as with Perl's engine). What
// holds: the session the browser ends with is whole (the login is kept)
// and holds the last response's key.
func TestConcurrentRequestsLastCookieWins(t *testing.T) {
	srv := sessionServer(t, io.Discard)
	c := e2e.Client(t)
	login(t, c, srv)
	const n = 60
	missing := e2e.ConcurrentSet(t, c, srv.URL, n)
	t.Logf("%d of %d concurrent writes lost", len(missing), n)
	if len(missing) == n {
		t.Fatal("every key lost: the browser's cookie holds none of the responses'")
	}
	if body := e2e.Send(t, c, http.MethodGet, srv.URL+"/session", nil).Body; !strings.Contains(body, `"user":"alice"`) {
		t.Fatalf("the session lost its login: %s", body)
	}
}

// BenchmarkLostUpdates reports how many of 60 overlapping writes of one
// browser the Cookie engine loses (lost/60); compare with
// engines/simple's BenchmarkLostUpdates.
func BenchmarkLostUpdates(b *testing.B) {
	const n = 60
	srv := sessionServer(b, io.Discard)
	total := 0
	for b.Loop() {
		c := e2e.Client(b)
		login(b, c, srv)
		total += len(e2e.ConcurrentSet(b, c, srv.URL, n))
	}
	b.ReportMetric(float64(total)/float64(b.N), fmt.Sprintf("lost/%d", n))
}

// TestCookieTooLargeThroughTheAdapter: a value that would make the cookie
// pass what a browser keeps (4096 bytes) is refused by Set itself, so the
// handler can answer (here 413); no cookie is sent, nothing is logged as a
// store failure, and the browser's session stays as it was.
func TestCookieTooLargeThroughTheAdapter(t *testing.T) {
	var logs strings.Builder
	srv := sessionServer(t, &logs)
	c := e2e.Client(t)
	login(t, c, srv)
	// Random-looking data does not compress.
	var big strings.Builder
	x := uint32(1)
	for big.Len() < 4000 {
		x = x*1664525 + 1013904223
		big.WriteByte("abcdefghijklmnopqrstuvwxyz0123456789"[x>>27])
	}
	r := e2e.Send(t, c, http.MethodPost, srv.URL+"/session", url.Values{"big": {big.String()}})
	if r.Code != http.StatusRequestEntityTooLarge || r.SetCookie() != "" || !strings.Contains(r.Body, "a browser keeps") {
		t.Fatalf("oversized cookie: %d %q, Set-Cookie %q; want Set to refuse it", r.Code, r.Body, r.SetCookie())
	}
	if logs.Len() != 0 {
		t.Errorf("a refused value is the handler's business, not a store failure; logged:\n%s", logs.String())
	}
	if body := e2e.Send(t, c, http.MethodGet, srv.URL+"/session", nil).Body; !strings.Contains(body, `"user":"alice"`) || strings.Contains(body, "big") {
		t.Fatalf("after the refused write: %s", body)
	}
	// A value that fits is still accepted.
	if r := e2e.Send(t, c, http.MethodPost, srv.URL+"/session", url.Values{"small": {big.String()[:1000]}}); r.Code != http.StatusOK || r.SetCookie() == "" {
		t.Fatalf("a value that fits: %d, Set-Cookie %q", r.Code, r.SetCookie())
	}
}

// TestLogoutDoesNotWinOverAConcurrentUpdate shows the other half of what
// the Cookie engine cannot guarantee: a logout only expires the browser's
// cookie, so a request that started before it and answers after it sends
// the whole session back, and the browser is logged in again (as with
// Perl's engine). Server-side engines delete the session instead, and the
// late update is dropped.
func TestLogoutDoesNotWinOverAConcurrentUpdate(t *testing.T) {
	e, err := New(Options{Key: fixtureKey})
	if err != nil {
		t.Fatal(err)
	}
	m := adapter.New(e, nil)
	m.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
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
	mux.HandleFunc("GET /logout", func(w http.ResponseWriter, r *http.Request) {
		_ = adapter.From(r).Destroy()
	})
	mux.HandleFunc("GET /user", func(w http.ResponseWriter, r *http.Request) {
		v, _ := adapter.From(r).Get("user")
		fmt.Fprint(w, v)
	})
	srv := httptest.NewServer(m.Middleware(mux))
	defer srv.Close()
	c := e2e.Client(t)
	e2e.Send(t, c, http.MethodPost, srv.URL+"/login", nil)
	slow := make(chan error, 1)
	go func() {
		resp, err := c.Post(srv.URL+"/slow", "", nil)
		if err == nil {
			resp.Body.Close()
		}
		slow <- err
	}()
	<-changed
	user := func() string {
		t.Helper()
		return e2e.Send(t, c, http.MethodGet, srv.URL+"/user", nil).Body
	}
	e2e.Send(t, c, http.MethodGet, srv.URL+"/logout", nil)
	if got := user(); got != "<nil>" {
		t.Fatalf("after the logout: user %q", got)
	}
	close(release)
	if err := <-slow; err != nil {
		t.Fatal(err)
	}
	if got := user(); got != "alice" {
		t.Fatalf("after the late update: user %q; if a logout now wins, update docs/reliability.md", got)
	}
}
