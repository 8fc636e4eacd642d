package memcached

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/internal/e2e"
	"github.com/dancergo/dancergo/internal/enginetest"
	"github.com/dancergo/dancergo/internal/faulttest"
)

// TestServerDownAndBack stops memcached under the engine and the adapter:
// every call fails with ErrStore and requests get a clean 503, nothing
// panics; once memcached listens again on the same port, sessions work
// again without restarting anything.
func TestServerDownAndBack(t *testing.T) {
	mc := startMemcached(t)
	e := newEngine(t, Options{}, mc)
	m := adapter.New(e, nil)
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := adapter.From(r).Set("user", "alice"); err != nil {
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	request := func() int {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		return w.Code
	}
	ctx := context.Background()
	if code := request(); code != http.StatusOK {
		t.Fatalf("with memcached up: status %d", code)
	}
	if _, err := e.Save(ctx, enginetest.Record("31", map[string]any{"user": "bob"}), nil); err != nil {
		t.Fatal(err)
	}

	mc.Stop()
	if code := request(); code != http.StatusServiceUnavailable {
		t.Errorf("with memcached down: status %d, want 503", code)
	}
	if _, _, err := e.Load(ctx, "31"); !errors.Is(err, adapter.ErrStore) {
		t.Errorf("Load with memcached down = %v, want ErrStore", err)
	}
	if _, err := e.Save(ctx, enginetest.Record("32", nil), nil); !errors.Is(err, adapter.ErrStore) {
		t.Errorf("Save with memcached down = %v, want ErrStore", err)
	}
	if _, err := e.Save(ctx, enginetest.Record("31", nil), []string{"x"}); !errors.Is(err, adapter.ErrStore) {
		t.Errorf("merging Save with memcached down = %v, want ErrStore", err)
	}
	if err := e.Delete(ctx, "31"); !errors.Is(err, adapter.ErrStore) {
		t.Errorf("Delete with memcached down = %v, want ErrStore", err)
	}

	mc.Start() // same port, empty
	if code := request(); code != http.StatusOK {
		t.Errorf("after memcached came back: status %d", code)
	}
	if _, err := e.Save(ctx, enginetest.Record("33", map[string]any{"user": "carol"}), nil); err != nil {
		t.Fatalf("Save after memcached came back: %v", err)
	}
	rec, found, err := e.Load(ctx, "33")
	if err != nil || !found || rec.Values["user"] != "carol" {
		t.Errorf("Load after memcached came back = %v, %v, %v", rec.Values, found, err)
	}
}

// TestHangingServer: a memcached that accepts connections and never answers
// (a black hole standing in for a server too slow to matter). A request
// that needs the session is answered 503 within about the engine's timeout,
// with one log line; a request whose context has a sooner deadline is
// answered by that deadline, and the log shows the engine gave up on it.
func TestHangingServer(t *testing.T) {
	const timeout = 300 * time.Millisecond
	budget := timeout + 1200*time.Millisecond // -race on a busy 2-core machine
	hole := e2e.BlackHole(t)
	e, err := New(Options{Servers: []string{hole}, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	app := faulttest.NewApp(t, e)
	reader := app.Visitor()
	reader.SetSession("31")
	requests := []struct {
		name  string
		v     *faulttest.Visitor
		query string
	}{
		{"read", reader, "get=user"},
		{"new session", app.Visitor(), "set=user&v=alice"},
		{"logout", reader, "destroy"},
	}
	for _, r := range requests {
		start := time.Now()
		resp := r.v.Do(r.query)
		took := time.Since(start)
		if resp.Err != nil || resp.Code != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s with memcached hanging: %s, want 503", r.name, resp)
		}
		if took < timeout || took > budget {
			t.Errorf("%s answered after %v; timeout %v", r.name, took, timeout)
		}
		t.Logf("%s: %d after %v (timeout %v)", r.name, resp.Code, took.Round(time.Millisecond), timeout)
	}
	lines := app.LogLines()
	if len(lines) != len(requests) {
		t.Errorf("%d log lines for %d failed requests:\n%s", len(lines), len(requests), app.Logs())
	}
	for _, line := range lines {
		if !strings.Contains(line, "session store failed") || !strings.Contains(line, "timeout") {
			t.Errorf("the log line does not say memcached timed out: %s", line)
		}
	}

	// A deadline sooner than the engine's timeout ends the wait.
	slow, err := New(Options{Servers: []string{hole}, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	for _, r := range []struct {
		name   string
		cookie string
		handle func(*adapter.Session) error
	}{
		{"load", "32", func(s *adapter.Session) error { _, err := s.Get("user"); return err }},
		{"save", "", func(s *adapter.Session) error { return s.Set("user", "alice") }},
	} {
		t.Run(r.name, func(t *testing.T) {
			var logs strings.Builder
			m := adapter.New(slow, nil)
			m.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r2 *http.Request) {
				_ = r.handle(adapter.From(r2))
			}))
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			req := httptest.NewRequest("GET", "/", nil).WithContext(ctx)
			if r.cookie != "" {
				req.AddCookie(&http.Cookie{Name: m.Cookie.Name, Value: r.cookie})
			}
			w := httptest.NewRecorder()
			start := time.Now()
			h.ServeHTTP(w, req)
			took := time.Since(start)
			if w.Code != http.StatusServiceUnavailable || took > time.Second {
				t.Errorf("with a 100ms deadline: %d after %v, want 503 by the deadline", w.Code, took)
			}
			t.Logf("%d after %v (deadline 100ms, timeout 10s)", w.Code, took.Round(time.Millisecond))
			if n := strings.Count(logs.String(), "\n"); n != 1 || !strings.Contains(logs.String(), context.DeadlineExceeded.Error()) {
				t.Errorf("want one log line with the deadline:\n%s", logs.String())
			}
		})
	}
}
