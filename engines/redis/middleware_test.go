package redis_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/scs/redisstore"
	"github.com/alexedwards/scs/v2"
	redigo "github.com/gomodule/redigo/redis"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/engines/redis"
	"github.com/dancergo/dancergo/internal/e2e"
)

// The same three handlers, once on dancergo's API and once on plain scs's:
// /read shows the user, /set?k=K&v=V sets a key, /logout destroys the
// session, /none does not touch it.
func dancerRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/read", func(w http.ResponseWriter, r *http.Request) {
		v, err := adapter.From(r).Get("user")
		if err != nil {
			return
		}
		s, _ := v.(string)
		_, _ = io.WriteString(w, s)
	})
	mux.HandleFunc("/set", func(w http.ResponseWriter, r *http.Request) {
		_ = adapter.From(r).Set(r.FormValue("k"), r.FormValue("v"))
	})
	mux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) {
		_ = adapter.From(r).Destroy()
	})
	mux.HandleFunc("/none", func(w http.ResponseWriter, r *http.Request) {})
	return mux
}

func scsRoutes(sm *scs.SessionManager) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/read", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, sm.GetString(r.Context(), "user"))
	})
	mux.HandleFunc("/set", func(w http.ResponseWriter, r *http.Request) {
		sm.Put(r.Context(), r.FormValue("k"), r.FormValue("v"))
	})
	mux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) {
		_ = sm.Destroy(r.Context())
	})
	mux.HandleFunc("/none", func(w http.ResponseWriter, r *http.Request) {})
	return mux
}

// dancerService serves dancerRoutes through e behind adapter's middleware;
// what the adapter logs goes to logs.
func dancerService(e adapter.Engine, logs io.Writer) (*adapter.Manager, http.Handler) {
	m := adapter.New(e, nil)
	m.Logger = slog.New(slog.NewTextHandler(logs, nil))
	return m, m.Middleware(dancerRoutes())
}

// scsService serves scsRoutes through plain scs with redisstore on pool.
func scsService(pool *redigo.Pool, prefix string) (*scs.SessionManager, http.Handler) {
	return scsServiceOn(redisstore.NewWithPrefix(pool, prefix))
}

// scsServiceOn serves scsRoutes through plain scs on store.
func scsServiceOn(store scs.Store) (*scs.SessionManager, http.Handler) {
	sm := scs.New()
	sm.Store = store
	sm.Codec = scs.GobCodec{}
	sm.Cookie.Name = "dancer.session"
	return sm, sm.LoadAndSave(scsRoutes(sm))
}

func newClient(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

// get requests base+path and returns status, body and Set-Cookie.
func get(t testing.TB, c *http.Client, base, path string) (int, string, string) {
	t.Helper()
	r := e2e.Send(t, c, http.MethodGet, base+path, nil)
	return r.Code, r.Body, r.SetCookie()
}

// TestConcurrentMerges: 64 requests of one session, all at once, each set
// a key of its own. Through dancergo every key is kept. Plain scs on the
// same store writes whole sessions, so the last writers overwrite the
// others: the number it keeps is logged, for comparison only.
func TestConcurrentMerges(t *testing.T) {
	const writers = 64
	needRedis(t, sharedRedis)
	c := testConfig(t, sharedRedis)
	c.PoolSize = writers
	// The budget of one save, retries included: 64 writers at once under
	// the race detector on a small machine need more than a second.
	c.Timeout = 20 * time.Second
	pool := testPool(t, c)
	e := redis.New(pool, c)
	logs := &e2e.LogBuffer{}
	_, dh := dancerService(e, logs)
	dancer := httptest.NewServer(dh)
	defer dancer.Close()
	_, sh := scsService(pool, c.Prefix)
	plain := httptest.NewServer(sh)
	defer plain.Close()

	for _, side := range []struct {
		name string
		url  string
	}{{"dancergo", dancer.URL}, {"scs", plain.URL}} {
		client := newClient(t)
		get(t, client, side.url, "/set?k=user&v=alice")
		id := e2e.CookieValue(client, side.url, "dancer.session")
		if id == "" {
			t.Fatalf("%s: no session cookie", side.name)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range writers {
			wg.Go(func() {
				<-start
				if code, _, _ := get(t, client, side.url, fmt.Sprintf("/set?k=k%d&v=%d", i, i)); code != http.StatusOK {
					t.Errorf("%s: write %d: %d", side.name, i, code)
				}
			})
		}
		began := time.Now()
		close(start)
		wg.Wait()
		took := time.Since(began)

		rec, found, err := e.Load(t.Context(), id)
		if err != nil || !found {
			t.Fatalf("%s: load: %v %v", side.name, found, err)
		}
		kept := 0
		for i := range writers {
			if rec.Values[fmt.Sprintf("k%d", i)] == fmt.Sprint(i) {
				kept++
			}
		}
		if side.name == "dancergo" {
			if kept != writers || rec.Values["user"] != "alice" {
				t.Fatalf("dancergo kept %d of %d concurrent writes (user %v); log:\n%s", kept, writers, rec.Values["user"], logs)
			}
		}
		t.Logf("%s kept %d of %d concurrent writes to one session, in %v", side.name, kept, writers, took.Round(time.Millisecond))
	}
}

// TestSharedLoginInProcess: a Dancer-style service and a plain scs service
// on one Redis see each other's logins and logouts, whether scs uses
// redisstore or the engine's own Store.
func TestSharedLoginInProcess(t *testing.T) {
	e, c, pool := sharedEngine(t)
	_, dh := dancerService(e, io.Discard)
	dancer := httptest.NewServer(dh)
	defer dancer.Close()
	for name, store := range map[string]scs.Store{
		"redisstore":     redisstore.NewWithPrefix(pool, c.Prefix),
		"Engine.Store()": e.Store(),
	} {
		t.Run(name, func(t *testing.T) {
			_, sh := scsServiceOn(store)
			plain := httptest.NewServer(sh)
			defer plain.Close()
			client := newClient(t) // cookies are per host: both servers get them

			get(t, client, dancer.URL, "/set?k=user&v=alice")
			if _, body, _ := get(t, client, plain.URL, "/read"); body != "alice" {
				t.Fatalf("scs reads %q after a dancergo login", body)
			}
			get(t, client, plain.URL, "/logout")
			if _, body, _ := get(t, client, dancer.URL, "/read"); body != "" {
				t.Fatalf("dancergo reads %q after an scs logout", body)
			}
			get(t, client, plain.URL, "/set?k=user&v=bob")
			if _, body, _ := get(t, client, dancer.URL, "/read"); body != "bob" {
				t.Fatalf("dancergo reads %q after an scs login", body)
			}
			get(t, client, dancer.URL, "/logout")
			if _, body, _ := get(t, client, plain.URL, "/read"); body != "" {
				t.Fatalf("scs reads %q after a dancergo logout", body)
			}
		})
	}
}

// TestGarbageGivesFreshSession: a cookie naming a key that holds garbage
// gets a fresh session and one log line, not an error on every request.
func TestGarbageGivesFreshSession(t *testing.T) {
	e, c, pool := sharedEngine(t)
	logs := &e2e.LogBuffer{}
	_, h := dancerService(e, logs)
	srv := httptest.NewServer(h)
	defer srv.Close()
	do(t, pool, "SET", c.Prefix+"garbageSession", "\x00\x01 not a session")
	client := newClient(t)
	e2e.SetCookie(client, srv.URL, "dancer.session", "garbageSession")

	if code, body, _ := get(t, client, srv.URL, "/read"); code != http.StatusOK || body != "" {
		t.Fatalf("read with a garbage session: %d %q", code, body)
	}
	if n := countLines(logs.String(), "cannot be decoded"); n != 1 {
		t.Fatalf("%d log lines about the garbage, want 1:\n%s", n, logs)
	}
	if code, _, _ := get(t, client, srv.URL, "/set?k=user&v=alice"); code != http.StatusOK {
		t.Fatalf("write: %d", code)
	}
	if id := e2e.CookieValue(client, srv.URL, "dancer.session"); id == "garbageSession" || id == "" {
		t.Fatalf("cookie after the write: %q, want a new session", id)
	}
	if _, body, _ := get(t, client, srv.URL, "/read"); body != "alice" {
		t.Fatalf("read: %q", body)
	}
}

// TestRoundTrips counts Redis round trips per kind of request, dancergo
// against plain scs with redisstore, same handlers. dancergo must never
// need more.
func TestRoundTrips(t *testing.T) {
	needRedis(t, sharedRedis)
	c := testConfig(t, sharedRedis)
	var n atomic.Int64
	pool := countingPool(t, c, &n)
	_, dh := dancerService(redis.New(pool, c), io.Discard)
	dancer := httptest.NewServer(dh)
	defer dancer.Close()
	_, sh := scsService(pool, c.Prefix)
	plain := httptest.NewServer(sh)
	defer plain.Close()

	counts := map[string][2]int64{}
	for i, base := range []string{dancer.URL, plain.URL} {
		client := newClient(t)
		// Warm up: the swap script is loaded once per Redis.
		get(t, client, base, "/set?k=user&v=warm")
		get(t, client, base, "/set?k=x&v=warm")
		get(t, client, base, "/logout")
		for _, step := range []struct{ kind, path string }{
			{"new session (write, no cookie)", "/set?k=user&v=alice"},
			{"read", "/read"},
			{"write", "/set?k=cart&v=book"},
			{"untouched, with cookie", "/none"},
			{"logout", "/logout"},
		} {
			before := n.Load()
			if code, _, _ := get(t, client, base, step.path); code != http.StatusOK {
				t.Fatalf("%s: %d", step.path, code)
			}
			v := counts[step.kind]
			v[i] = n.Load() - before
			counts[step.kind] = v
		}
	}
	want := map[string]int64{
		"new session (write, no cookie)": 1, // MULTI SET PEXPIREAT EXEC
		"read":                           1, // GET
		"write":                          2, // GET, EVALSHA
		"untouched, with cookie":         0, // loaded lazily
		"logout":                         2, // GET, DEL
	}
	for kind, got := range counts {
		t.Logf("%-32s round trips: dancergo %d, scs %d", kind, got[0], got[1])
		if got[0] != want[kind] || got[0] > got[1] {
			t.Errorf("%s: dancergo %d round trips (want %d), scs %d", kind, got[0], want[kind], got[1])
		}
	}
}

// countLines returns how many lines of text contain substr.
func countLines(text, substr string) int {
	n := 0
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, substr) {
			n++
		}
	}
	return n
}
