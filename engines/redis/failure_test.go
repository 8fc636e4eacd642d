package redis_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	redigo "github.com/gomodule/redigo/redis"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/engines/redis"
	"github.com/dancergo/dancergo/internal/e2e"
)

// settleGoroutines waits until no more goroutines run than baseline+slack,
// and fails the test if that does not happen: the sign of a leak.
func settleGoroutines(t *testing.T, baseline int) {
	t.Helper()
	const slack = 4
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > baseline+slack {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), baseline, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestDownAndSlowAreErrStore: Redis refusing connections, or hanging, makes
// every call fail with ErrStore within the timeout, or sooner when the
// request's context ends; the middleware answers 503 and logs one line.
func TestDownAndSlowAreErrStore(t *testing.T) {
	for _, tc := range []struct {
		name   string
		addr   func(testing.TB) string
		budget time.Duration // how long one call may take
	}{
		{"refused", e2e.FreeAddr, 500 * time.Millisecond},
		{"hangs", e2e.BlackHole, 1500 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := redis.Config{Server: tc.addr(t), Timeout: 300 * time.Millisecond, PoolSize: 4}
			baseline := runtime.NumGoroutine()
			e, err := redis.Dial(c)
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			ctx := context.Background()
			rec := adapter.Record{ID: "someSession", Values: map[string]any{"a": "b"}, Deadline: time.Now().Add(time.Hour), Version: []byte("x")}
			calls := map[string]func() error{
				"load":  func() error { _, _, err := e.Load(ctx, "someSession"); return err },
				"save":  func() error { _, err := e.Save(ctx, rec, nil); return err },
				"merge": func() error { _, err := e.Save(ctx, rec, []string{"a"}); return err },
				"delete": func() error {
					return e.Delete(ctx, "someSession")
				},
			}
			for name, call := range calls {
				start := time.Now()
				err := call()
				if took := time.Since(start); took > tc.budget {
					t.Errorf("%s took %v, budget %v", name, took, tc.budget)
				}
				if !errors.Is(err, adapter.ErrStore) {
					t.Errorf("%s: %v, want ErrStore", name, err)
				}
			}

			// A request whose context ends gives up then, not at the timeout.
			slow := redis.Config{Server: c.Server, Timeout: 10 * time.Second, PoolSize: 4}
			e2, err := redis.Dial(slow)
			if err != nil {
				t.Fatal(err)
			}
			defer e2.Close()
			cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
			start := time.Now()
			_, _, err = e2.Load(cctx, "someSession")
			cancel()
			if took := time.Since(start); took > time.Second || !errors.Is(err, adapter.ErrStore) {
				t.Errorf("load with a 100ms context: %v after %v", err, took)
			}

			// Through the middleware: 503, Retry-After, one log line each.
			logs := &e2e.LogBuffer{}
			_, h := dancerService(e, logs)
			srv := httptest.NewServer(h)
			client := newClient(t)
			u := srv.URL
			for range 5 {
				req, _ := http.NewRequest("GET", u+"/read", nil)
				req.AddCookie(&http.Cookie{Name: "dancer.session", Value: "someSession"})
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
					t.Fatalf("read while Redis %s: %d %q", tc.name, resp.StatusCode, body)
				}
			}
			if n := countLines(logs.String(), "session store failed"); n != 5 {
				t.Errorf("%d log lines for 5 failed requests:\n%s", n, logs)
			}
			client.CloseIdleConnections()
			srv.Close()
			e.Close()
			e2.Close()
			settleGoroutines(t, baseline)
		})
	}
}

// TestRestartRecovers stops the Redis a service uses, then starts it again:
// 503s while it is down, normal answers soon after it is back, with no
// panic, no leaked goroutine and no more connections than the pool allows.
func TestRestartRecovers(t *testing.T) {
	srvRedis := e2e.StartRedis(t)
	c := testConfig(t, srvRedis.Addr)
	c.Timeout = 300 * time.Millisecond
	c.PoolSize = 4
	pool := testPool(t, c)
	logs := &e2e.LogBuffer{}
	_, h := dancerService(redis.New(pool, c), logs)
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := newClient(t)

	// Enough concurrent traffic to fill the pool with connections, which
	// all die with the server.
	burst := func(path string) (codes map[int]int) {
		codes = map[int]int{}
		results := make(chan int, 16)
		for range 16 {
			go func() {
				resp, err := client.Get(srv.URL + path)
				if err != nil {
					results <- 0
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				results <- resp.StatusCode
			}()
		}
		for range 16 {
			codes[<-results]++
		}
		return codes
	}
	if code, _, _ := get(t, client, srv.URL, "/set?k=user&v=alice"); code != http.StatusOK {
		t.Fatalf("login: %d", code)
	}
	if codes := burst("/read"); codes[http.StatusOK] != 16 {
		t.Fatalf("reads with Redis up: %v", codes)
	}
	baseline := runtime.NumGoroutine()

	srvRedis.Stop()
	if codes := burst("/read"); codes[http.StatusServiceUnavailable] != 16 {
		t.Fatalf("reads with Redis down: %v, want 16 × 503", codes)
	}
	if s := pool.Stats(); s.ActiveCount > c.PoolSize {
		t.Fatalf("%d connections open, pool size %d", s.ActiveCount, c.PoolSize)
	}

	srvRedis.Start()
	start := time.Now()
	failures := 0
	for {
		// The data went with the old server: log in again.
		code, _, _ := get(t, client, srv.URL, "/set?k=user&v=bob")
		if code == http.StatusOK {
			break
		}
		failures++
		if time.Since(start) > 10*time.Second {
			t.Fatalf("no recovery 10s after Redis came back (last %d):\n%s", code, logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("recovered %v after Redis came back, %d failed requests in between", time.Since(start).Round(time.Millisecond), failures)
	if codes := burst("/read"); codes[http.StatusOK] != 16 {
		t.Fatalf("reads after recovery: %v", codes)
	}
	conn, err := redigo.Dial("tcp", srvRedis.Addr)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := redigo.String(conn.Do("INFO", "clients"))
	conn.Close()
	t.Logf("pool %+v; redis %s", pool.Stats(), firstLine(info, "connected_clients"))
	if s := pool.Stats(); s.ActiveCount > c.PoolSize {
		t.Fatalf("%d connections open, pool size %d", s.ActiveCount, c.PoolSize)
	}
	client.CloseIdleConnections()
	settleGoroutines(t, baseline)
}

func firstLine(text, prefix string) string {
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, prefix) {
			return strings.TrimSpace(line)
		}
	}
	return ""
}

// TestQuickRestartWithIdleConnections: Redis restarts while the pool's
// connections sit idle (no request in between), so every pooled connection
// is dead when traffic resumes. No request may fail for it.
func TestQuickRestartWithIdleConnections(t *testing.T) {
	srvRedis := e2e.StartRedis(t)
	c := testConfig(t, srvRedis.Addr)
	c.PoolSize = 4
	pool := testPool(t, c)
	_, h := dancerService(redis.New(pool, c), io.Discard)
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := newClient(t)

	// Fill the pool: four requests at once, four connections.
	results := make(chan int, 4)
	for range 4 {
		go func() {
			code, _, _ := get(t, client, srv.URL, "/set?k=user&v=alice")
			results <- code
		}()
	}
	for range 4 {
		if code := <-results; code != http.StatusOK {
			t.Fatalf("login: %d", code)
		}
	}
	if s := pool.Stats(); s.IdleCount < 2 {
		t.Logf("only %d idle connections to kill", s.IdleCount)
	}
	srvRedis.Stop()
	srvRedis.Start()
	for i := range 8 {
		if code, _, _ := get(t, client, srv.URL, "/set?k=user&v=bob"); code != http.StatusOK {
			t.Errorf("request %d after a quick restart: %d", i, code)
		}
	}
}
