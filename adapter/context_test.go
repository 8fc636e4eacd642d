package adapter_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/engines/yaml"
	"github.com/dancergo/dancergo/internal/e2e"
)

// TestRequestContextReachesTheEngine: store calls run with the request's
// context. With a real engine (YAML) whose locks another process holds, a
// request whose deadline passes while its save waits, or whose context is
// cancelled before its session is read, gets a clean 503 at once, and the
// one log line carries the context's error as the engine returned it.
func TestRequestContextReachesTheEngine(t *testing.T) {
	dir := t.TempDir()
	e, err := yaml.New(yaml.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	m := adapter.New(e, nil)
	m.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := adapter.From(r)
		if v := r.URL.Query().Get("set"); v != "" {
			_ = s.Set("cart", v)
			return
		}
		v, _ := s.Get("cart")
		fmt.Fprint(w, v)
	}))
	serve := func(ctx context.Context, query string, cookie *http.Cookie) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/?"+query, nil).WithContext(ctx)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	first := serve(context.Background(), "set=book", nil)
	cookies := first.Result().Cookies()
	if first.Code != http.StatusOK || len(cookies) != 1 {
		t.Fatalf("first request: %d, cookies %v", first.Code, cookies)
	}
	cookie := cookies[0]
	file := filepath.Join(dir, cookie.Value+".yml")
	before, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}

	// Another process holds every lock (as a Go writer stuck mid-save).
	var releases []func()
	for i := range 16 {
		releases = append(releases, e2e.Flock(t, filepath.Join(dir, ".dancergo-locks", fmt.Sprintf("%02d", i))))
	}
	for _, tc := range []struct {
		name  string
		ctx   func() (context.Context, context.CancelFunc)
		query string
		cause error
	}{
		{"deadline passes while the save waits for a lock", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 150*time.Millisecond)
		}, "set=pen", context.DeadlineExceeded},
		{"cancelled before the session is read", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, "", context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs.Reset()
			ctx, cancel := tc.ctx()
			defer cancel()
			start := time.Now()
			served := make(chan *httptest.ResponseRecorder, 1)
			go func() { served <- serve(ctx, tc.query, cookie) }()
			var w *httptest.ResponseRecorder
			select {
			case w = <-served:
			case <-time.After(5 * time.Second):
				t.Fatal("no answer 5s after the context ended: the engine did not get it")
			}
			if took := time.Since(start); w.Code != http.StatusServiceUnavailable || took > 2*time.Second {
				t.Fatalf("%d %q after %v, want 503 when the context ends", w.Code, w.Body, took)
			}
			if strings.Contains(w.Body.String(), "book") || w.Header().Get("Set-Cookie") != "" {
				t.Errorf("not a clean 503: %q %v", w.Body, w.Header())
			}
			if n := strings.Count(logs.String(), "\n"); n != 1 || !strings.Contains(logs.String(), tc.cause.Error()) {
				t.Errorf("want one log line with %q:\n%s", tc.cause, logs.String())
			}
		})
	}
	if after, _ := os.ReadFile(file); string(after) != string(before) {
		t.Fatalf("the session file changed: %q", after)
	}
	for _, release := range releases {
		release()
	}
	if w := serve(context.Background(), "set=pen", cookie); w.Code != http.StatusOK {
		t.Fatalf("after the locks were released: %d", w.Code)
	}
	if w := serve(context.Background(), "", cookie); w.Body.String() != "pen" {
		t.Fatalf("after the locks were released: cart %q", w.Body)
	}
}
