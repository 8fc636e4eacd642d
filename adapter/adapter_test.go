package adapter_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/compat/sessionid"
	"github.com/dancergo/dancergo/internal/e2e"
)

// countingStore is a real memstore that counts the calls made to it, and
// can be told to fail (a fault a real memstore cannot show).
type countingStore struct {
	*memstore.MemStore
	finds, commits, deletes atomic.Int32
	lastFind                atomic.Value
	fail                    atomic.Bool
}

func newCountingStore() *countingStore {
	return &countingStore{MemStore: memstore.NewWithCleanupInterval(0)}
}

var errDown = errors.New("store is down")

func (c *countingStore) Find(token string) ([]byte, bool, error) {
	c.finds.Add(1)
	c.lastFind.Store(token)
	if c.fail.Load() {
		return nil, false, errDown
	}
	return c.MemStore.Find(token)
}

func (c *countingStore) Commit(token string, b []byte, expiry time.Time) error {
	c.commits.Add(1)
	if c.fail.Load() {
		return errDown
	}
	return c.MemStore.Commit(token, b, expiry)
}

func (c *countingStore) Delete(token string) error {
	c.deletes.Add(1)
	if c.fail.Load() {
		return errDown
	}
	return c.MemStore.Delete(token)
}

type fixture struct {
	t      *testing.T
	store  *countingStore
	engine *adapter.StoreEngine
	mgr    *adapter.Manager
	srv    *httptest.Server
	client *http.Client
	logs   *e2e.LogBuffer
}

// newFixture serves handler behind the session middleware of a Manager on
// a counting memstore.
func newFixture(t *testing.T, settings *config.Settings, handler http.HandlerFunc) *fixture {
	t.Helper()
	f := &fixture{t: t, store: newCountingStore(), logs: &e2e.LogBuffer{}}
	f.engine = &adapter.StoreEngine{Store: f.store, Codec: scs.GobCodec{}, IDs: sessionid.Token{}}
	f.mgr = adapter.New(f.engine, settings)
	f.mgr.Logger = slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.srv = httptest.NewServer(f.mgr.Middleware(handler))
	t.Cleanup(f.srv.Close)
	f.client = e2e.Client(t)
	return f
}

// get requests path (with query) through the fixture's browser.
func (f *fixture) get(path string) e2e.Reply {
	f.t.Helper()
	return e2e.Send(f.t, f.client, http.MethodGet, f.srv.URL+path, nil)
}

// cookie returns the session cookie the client holds, or "".
func (f *fixture) cookie() string {
	return e2e.CookieValue(f.client, f.srv.URL, f.mgr.Cookie.Name)
}

// setCookie makes the browser send value as its session cookie.
func (f *fixture) setCookie(value string) {
	e2e.SetCookie(f.client, f.srv.URL, f.mgr.Cookie.Name, value)
}

// api is a handler that runs the session call named by the query.
func api(w http.ResponseWriter, r *http.Request) {
	s := adapter.From(r)
	q := r.URL.Query()
	var (
		out any
		err error
	)
	switch q.Get("op") {
	case "set":
		err = s.Set(q.Get("k"), q.Get("v"))
	case "get":
		out, err = s.Get(q.Get("k"))
	case "delete":
		err = s.Delete(q.Get("k"))
	case "keys":
		out, err = s.Keys()
	case "all":
		out, err = s.All()
	case "id":
		out, err = s.ID()
	case "destroy":
		err = s.Destroy()
	case "destroy-then-set":
		if err = s.Destroy(); err == nil {
			if out, err = s.Get("k"); err == nil {
				err = s.Set("k", "after")
			}
		}
	case "renew":
		err = s.RenewID()
	case "noop":
	}
	if err != nil {
		w.Header().Set("X-Error", err.Error())
		w.WriteHeader(http.StatusTeapot)
	}
	_ = json.NewEncoder(w).Encode(perl.ToJSONValue(out))
}

func TestSetThenGetOnNextRequest(t *testing.T) {
	f := newFixture(t, nil, api)
	f.get("/?op=set&k=user&v=alice")
	id := f.cookie()
	if id == "" {
		t.Fatal("no session cookie after a write")
	}
	if body := f.get("/?op=get&k=user").Body; strings.TrimSpace(body) != `"alice"` {
		t.Fatalf("get user = %s", body)
	}
	if body := f.get("/?op=id").Body; strings.TrimSpace(body) != `"`+id+`"` {
		t.Fatalf("id = %s, cookie %s", body, id)
	}
	if body := f.get("/?op=get&k=id").Body; strings.TrimSpace(body) != `"`+id+`"` {
		t.Fatalf("the id key = %s, want the id %s (Dancer keeps it in the data)", body, id)
	}
	if body := f.get("/?op=keys").Body; strings.TrimSpace(body) != `["id","user"]` {
		t.Fatalf("keys = %s", body)
	}
	if body := f.get("/?op=get&k=missing").Body; strings.TrimSpace(body) != `null` {
		t.Fatalf("missing key = %s", body)
	}
}

func TestReservedAndEmptyKeys(t *testing.T) {
	f := newFixture(t, nil, api)
	for _, tc := range []struct{ op, want string }{
		{"/?op=set&k=id&v=x", adapter.ErrReservedKey.Error()},
		{"/?op=delete&k=id", adapter.ErrReservedKey.Error()},
		{"/?op=set&k=&v=x", adapter.ErrEmptyKey.Error()},
	} {
		resp := f.get(tc.op)
		if resp.Code != http.StatusTeapot || resp.Header.Get("X-Error") != tc.want {
			t.Errorf("%s: status %d, error %q; want %q", tc.op, resp.Code, resp.Header.Get("X-Error"), tc.want)
		}
	}
	if f.store.commits.Load() != 0 {
		t.Errorf("refused writes committed %d times", f.store.commits.Load())
	}
}

func TestDeleteKey(t *testing.T) {
	f := newFixture(t, nil, api)
	f.get("/?op=set&k=a&v=1")
	f.get("/?op=set&k=b&v=2")
	f.get("/?op=delete&k=a")
	if body := f.get("/?op=all").Body; strings.TrimSpace(body) != `{"b":"2","id":"`+f.cookie()+`"}` {
		t.Fatalf("after delete: %s", body)
	}
	commits := f.store.commits.Load()
	f.get("/?op=delete&k=never-set")
	if f.store.commits.Load() != commits {
		t.Error("deleting an absent key wrote the session")
	}
}

func TestLazyLoadAndWriteOnlyWhenChanged(t *testing.T) {
	f := newFixture(t, nil, api)

	resp := f.get("/?op=noop")
	if f.store.finds.Load() != 0 || f.store.commits.Load() != 0 || resp.Header.Get("Set-Cookie") != "" {
		t.Fatalf("untouched session: %d finds, %d commits, cookie %q", f.store.finds.Load(), f.store.commits.Load(), resp.Header.Get("Set-Cookie"))
	}
	resp = f.get("/?op=get&k=user")
	if f.store.commits.Load() != 0 || resp.Header.Get("Set-Cookie") != "" {
		t.Fatalf("new visitor who only reads: %d commits, cookie %q", f.store.commits.Load(), resp.Header.Get("Set-Cookie"))
	}
	f.get("/?op=set&k=user&v=alice")
	if f.store.commits.Load() != 1 {
		t.Fatalf("one write: %d commits", f.store.commits.Load())
	}
	f.get("/?op=noop")
	if f.store.finds.Load() != 0 {
		t.Fatalf("a request that never touches its session read the store %d times", f.store.finds.Load())
	}
	resp = f.get("/?op=all")
	if f.store.finds.Load() != 1 || f.store.commits.Load() != 1 || resp.Header.Get("Set-Cookie") != "" {
		t.Fatalf("read-only request: %d finds, %d commits, cookie %q", f.store.finds.Load(), f.store.commits.Load(), resp.Header.Get("Set-Cookie"))
	}
}

func TestSetTwiceInOneRequestWritesOnce(t *testing.T) {
	f := newFixture(t, nil, func(w http.ResponseWriter, r *http.Request) {
		s := adapter.From(r)
		for i := range 5 {
			if err := s.Set("k", i); err != nil {
				t.Error(err)
			}
		}
	})
	f.get("/")
	if got := f.store.commits.Load(); got != 1 {
		t.Fatalf("%d commits, want 1", got)
	}
}

func TestDestroy(t *testing.T) {
	f := newFixture(t, nil, api)
	f.get("/?op=set&k=user&v=alice")
	old := f.cookie()
	resp := f.get("/?op=destroy")
	if _, found, _ := f.store.MemStore.Find(old); found {
		t.Fatal("destroyed session still stored")
	}
	sc := resp.Header.Get("Set-Cookie")
	if !strings.Contains(sc, "Max-Age=0") || !strings.HasPrefix(sc, "dancer.session=;") {
		t.Fatalf("destroy did not expire the cookie: %q", sc)
	}
	if f.cookie() != "" {
		t.Fatal("client still holds the cookie")
	}
	if body := f.get("/?op=get&k=user").Body; strings.TrimSpace(body) != "null" {
		t.Fatalf("after destroy user = %s", body)
	}
}

func TestDestroyThenWriteStartsANewSession(t *testing.T) {
	f := newFixture(t, nil, api)
	f.get("/?op=set&k=k&v=before")
	f.get("/?op=set&k=other&v=x")
	old := f.cookie()
	body := f.get("/?op=destroy-then-set").Body
	if strings.TrimSpace(body) != "null" {
		t.Fatalf("after destroy, the same request still saw %s", body)
	}
	if f.cookie() == old || f.cookie() == "" {
		t.Fatalf("no new id after destroy + write (old %s, now %s)", old, f.cookie())
	}
	if _, found, _ := f.store.MemStore.Find(old); found {
		t.Fatal("old session came back (Dancer 1's bug)")
	}
	if body := f.get("/?op=all").Body; strings.Contains(body, "other") || !strings.Contains(body, `"k":"after"`) {
		t.Fatalf("new session = %s", body)
	}
}

func TestRenewIDKeepsDataAndDropsOldID(t *testing.T) {
	f := newFixture(t, nil, api)
	f.get("/?op=set&k=user&v=alice")
	old := f.cookie()
	f.get("/?op=renew")
	renewed := f.cookie()
	if renewed == old || renewed == "" {
		t.Fatalf("id not renewed: %q -> %q", old, renewed)
	}
	if _, found, _ := f.store.MemStore.Find(old); found {
		t.Fatal("old id still stored: a fixated id would still work")
	}
	if body := f.get("/?op=all").Body; strings.TrimSpace(body) != `{"id":"`+renewed+`","user":"alice"}` {
		t.Fatalf("after renew: %s", body)
	}
	// The old id is dead: presenting it gives a fresh, empty session.
	f.setCookie(old)
	if body := f.get("/?op=get&k=user").Body; strings.TrimSpace(body) != "null" {
		t.Fatalf("old id still serves the session: %s", body)
	}
}

func TestOutsideMiddleware(t *testing.T) {
	s := adapter.From(httptest.NewRequest("GET", "/", nil))
	if _, err := s.Get("k"); !errors.Is(err, adapter.ErrNoSession) {
		t.Errorf("Get: %v", err)
	}
	if err := s.Set("k", "v"); !errors.Is(err, adapter.ErrNoSession) {
		t.Errorf("Set: %v", err)
	}
	if _, err := s.ID(); !errors.Is(err, adapter.ErrNoSession) {
		t.Errorf("ID: %v", err)
	}
	if err := s.Destroy(); !errors.Is(err, adapter.ErrNoSession) {
		t.Errorf("Destroy: %v", err)
	}
}

func TestBadCookiesGiveAFreshSession(t *testing.T) {
	tests := map[string]string{
		"characters outside Dancer's set": "abc$def",
		"path traversal":                  "../../etc/passwd",
		"percent-encoded":                 "a%2Fb",
		"oversized":                       strings.Repeat("a", 4000),
		"unknown id":                      "thisIdWasNeverIssued0123456789",
	}
	for name, value := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, nil, api)
			f.setCookie(value)
			resp := f.get("/?op=set&k=user&v=bob")
			if resp.Code != http.StatusOK {
				t.Fatalf("status %d: %s", resp.Code, resp.Body)
			}
			if f.cookie() == value || !(sessionid.Token{}).Valid(f.cookie()) {
				t.Fatalf("cookie %q kept or replaced by an invalid one (%q)", value, f.cookie())
			}
			if found, _ := f.store.lastFind.Load().(string); found != "" && found != value {
				t.Fatalf("store asked for %q", found)
			}
			if name != "unknown id" && f.store.finds.Load() != 0 {
				t.Fatalf("an invalid cookie reached the store (%d finds)", f.store.finds.Load())
			}
		})
	}
}

func TestCookieAttributes(t *testing.T) {
	settings, err := config.FromMap(map[string]any{
		"session_name":         "my_sess",
		"session_domain":       ".example.com",
		"session_secure":       1,
		"session_is_http_only": 0,
		"session_same_site":    "Strict",
		"session_expires":      "2 hours",
	}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, settings, api)
	req, _ := http.NewRequest("GET", f.srv.URL+"/?op=set&k=a&v=b", nil)
	before := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cookies := resp.Cookies()
	if len(cookies) != 1 {
		t.Fatalf("Set-Cookie: %q", resp.Header.Values("Set-Cookie"))
	}
	c := cookies[0]
	if c.Name != "my_sess" || c.Path != "/" || c.Domain != "example.com" || !c.Secure || c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookie = %q", resp.Header.Get("Set-Cookie"))
	}
	if want := before.Add(2 * time.Hour); c.Expires.Before(want.Add(-2*time.Second)) || c.Expires.After(want.Add(2*time.Second)) {
		t.Fatalf("Expires = %v, want about %v", c.Expires, want)
	}
}

func TestDefaultCookie(t *testing.T) {
	f := newFixture(t, nil, api)
	resp := f.get("/?op=set&k=a&v=b")
	sc := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"dancer.session=", "Path=/", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(sc, want) {
			t.Errorf("default cookie %q lacks %q", sc, want)
		}
	}
	if strings.Contains(sc, "Expires") || strings.Contains(sc, "Secure") {
		t.Errorf("default cookie %q has Expires or Secure", sc)
	}
}

func TestLastCookieOfTheNameWins(t *testing.T) {
	f := newFixture(t, nil, api)
	f.get("/?op=set&k=user&v=alice")
	good := f.cookie()
	req, _ := http.NewRequest("GET", f.srv.URL+"/?op=get&k=user", nil)
	req.Header.Set("Cookie", "dancer.session=stale; other=1; dancer.session="+good)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.TrimSpace(string(body)) != `"alice"` {
		t.Fatalf("got %s", body)
	}
}

func TestStoreFailureIs503AndRecovers(t *testing.T) {
	f := newFixture(t, nil, func(w http.ResponseWriter, r *http.Request) {
		_, _ = adapter.From(r).Get("user") // ignores the error: the middleware must still answer 503
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"secret":"handler output"}`))
	})
	f.setCookie("someExistingSessionId")
	f.store.fail.Store(true)
	resp := f.get("/")
	if resp.Code != http.StatusServiceUnavailable || strings.Contains(resp.Body, "handler output") {
		t.Fatalf("store down: status %d, body %q", resp.Code, resp.Body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("handler headers leaked into the error response: %q", ct)
	}
	if n := strings.Count(f.logs.String(), "session store failed"); n != 1 {
		t.Fatalf("%d log lines for one failure:\n%s", n, f.logs)
	}
	f.store.fail.Store(false)
	if resp := f.get("/"); resp.Code != http.StatusOK {
		t.Fatalf("after recovery: %d", resp.Code)
	}
}

func TestCommitFailureReplacesResponse(t *testing.T) {
	f := newFixture(t, nil, func(w http.ResponseWriter, r *http.Request) {
		if err := adapter.From(r).Set("k", "v"); err != nil {
			t.Error(err)
		}
		w.WriteHeader(http.StatusCreated)
		if _, err := w.Write([]byte("created")); !errors.Is(err, adapter.ErrResponseDiscarded) {
			t.Errorf("Write after a failed commit: %v", err)
		}
	})
	f.store.fail.Store(true)
	resp := f.get("/")
	if resp.Code != http.StatusServiceUnavailable || strings.Contains(resp.Body, "created") || resp.Header.Get("Set-Cookie") != "" {
		t.Fatalf("status %d, body %q, cookie %q", resp.Code, resp.Body, resp.Header.Get("Set-Cookie"))
	}
}

func TestCorruptSessionIsFreshAndLogged(t *testing.T) {
	f := newFixture(t, nil, api)
	if err := f.store.MemStore.Commit("corruptSession", []byte("not gob at all"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	f.setCookie("corruptSession")
	resp := f.get("/?op=all")
	if resp.Code != http.StatusOK || strings.TrimSpace(resp.Body) != "{}" {
		t.Fatalf("status %d, body %s", resp.Code, resp.Body)
	}
	if !strings.Contains(f.logs.String(), "cannot be decoded") {
		t.Fatalf("no log line:\n%s", f.logs)
	}
	if b, found, _ := f.store.MemStore.Find("corruptSession"); !found || string(b) != "not gob at all" {
		t.Fatal("the corrupt session was destroyed: keep it for inspection")
	}
}

func TestValueModelSurvivesTheStore(t *testing.T) {
	value := map[string]any{
		"list":   []any{"x", int64(2), nil, map[string]any{"k": "v"}},
		"float":  3.14,
		"bool":   true,
		"object": &perl.Object{Class: "My::User", Value: map[string]any{"name": "alice", "roles": []any{"admin"}}},
		"ref":    &perl.Ref{Value: "v"},
		"utf8":   "café ☺ 日本",
	}
	var got any
	f := newFixture(t, nil, func(w http.ResponseWriter, r *http.Request) {
		s := adapter.From(r)
		if r.URL.Path == "/set" {
			if err := s.Set("v", value); err != nil {
				t.Error(err)
			}
			return
		}
		got, _ = s.Get("v")
	})
	f.get("/set")
	f.get("/get")
	if !perl.Equal(got, value) {
		t.Fatalf("got %#v\nwant %#v", got, value)
	}
}

func TestGetReturnsACopy(t *testing.T) {
	f := newFixture(t, nil, func(w http.ResponseWriter, r *http.Request) {
		s := adapter.From(r)
		if err := s.Set("list", []string{"a"}); err != nil {
			t.Error(err)
		}
		v, _ := s.Get("list")
		v.([]any)[0] = "changed behind the session's back"
		again, _ := s.Get("list")
		if again.([]any)[0] != "a" {
			t.Error("Get handed out the session's own list")
		}
	})
	f.get("/")
}

func TestUnsupportedValue(t *testing.T) {
	f := newFixture(t, nil, func(w http.ResponseWriter, r *http.Request) {
		if err := adapter.From(r).Set("ch", make(chan int)); !errors.Is(err, perl.ErrUnsupported) {
			t.Errorf("Set(chan) = %v", err)
		}
	})
	f.get("/")
	if f.store.commits.Load() != 0 {
		t.Error("a refused value was stored")
	}
}

func TestEngineContextIsTheRequests(t *testing.T) {
	type key struct{}
	f := newFixture(t, nil, api)
	mw := f.mgr.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if adapter.FromContext(r.Context()) != adapter.From(r) {
			t.Error("FromContext and From disagree")
		}
		if r.Context().Value(key{}) != "kept" {
			t.Error("the middleware dropped the request's context values")
		}
	}))
	req := httptest.NewRequest("GET", "/", nil)
	req = req.WithContext(context.WithValue(req.Context(), key{}, "kept"))
	mw.ServeHTTP(httptest.NewRecorder(), req)
}

func TestOversizedValueIsRefusedAndNothingLost(t *testing.T) {
	settings, err := config.FromMap(map[string]any{"session_max_size": 2048}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, settings, api)
	f.get("/?op=set&k=user&v=alice")
	resp := f.get("/?op=set&k=blob&v=" + strings.Repeat("x", 4000))
	if resp.Code != http.StatusTeapot || !strings.Contains(resp.Header.Get("X-Error"), "too large") {
		t.Fatalf("oversized Set: status %d, error %q", resp.Code, resp.Header.Get("X-Error"))
	}
	if body := f.get("/?op=all").Body; strings.Contains(body, "blob") || !strings.Contains(body, `"user":"alice"`) {
		t.Fatalf("after a refused Set: %s", body)
	}
	// Replacing a value counts the new size, not both.
	f.get("/?op=set&k=blob&v=" + strings.Repeat("x", 1500))
	if resp := f.get("/?op=set&k=blob&v=" + strings.Repeat("y", 1500)); resp.Code != http.StatusOK {
		t.Fatalf("replacing a value of the same size was refused: %s", resp.Header.Get("X-Error"))
	}
}

func TestLogsDoNotCarrySessionIDs(t *testing.T) {
	f := newFixture(t, nil, api)
	f.get("/?op=set&k=user&v=alice")
	id := f.cookie()
	// A store whose error names the id, as file engines' paths do.
	f.store.fail.Store(true)
	f.engine.Store = &namingStore{countingStore: f.store}
	f.get("/?op=get&k=user")
	if strings.Contains(f.logs.String(), id) {
		t.Fatalf("the log holds the session id:\n%s", f.logs)
	}
	if !strings.Contains(f.logs.String(), id[:4]+"…") {
		t.Fatalf("the log lost the redacted id:\n%s", f.logs)
	}
}

type namingStore struct{ *countingStore }

func (n *namingStore) Find(token string) ([]byte, bool, error) {
	return nil, false, fmt.Errorf("open /sessions/%s.yml: %w", token, errDown)
}
