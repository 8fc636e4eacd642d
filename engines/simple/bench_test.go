package simple_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/engines/simple"
)

// The benchmarks put plain scs + memstore (the anchor) and the adapter on
// Simple side by side, on the same handler: one read, and one write for the
// read+write request. `make bench` runs them; compare ns/op within one run.

func BenchmarkReadWrite(b *testing.B) {
	b.Run("scs-memstore", func(b *testing.B) {
		sm := scs.New()
		sm.Store = memstore.NewWithCleanupInterval(0)
		h := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_ = sm.GetString(r.Context(), "user")
			sm.Put(r.Context(), "count", sm.GetInt(r.Context(), "count")+1)
			_, _ = w.Write([]byte("ok"))
		}))
		runRequests(b, h, sm.Cookie.Name, seedSCS(b, sm))
	})
	b.Run("dancergo-simple", func(b *testing.B) {
		m := adapter.New(simple.New(), nil)
		h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := adapter.From(r)
			_, _ = s.Get("user")
			n, _ := s.Get("count")
			c, _ := n.(int64)
			_ = s.Set("count", c+1)
			_, _ = w.Write([]byte("ok"))
		}))
		runRequests(b, h, m.Cookie.Name, seedAdapter(b, m))
	})
}

func BenchmarkReadOnly(b *testing.B) {
	b.Run("scs-memstore", func(b *testing.B) {
		sm := scs.New()
		sm.Store = memstore.NewWithCleanupInterval(0)
		h := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_ = sm.GetString(r.Context(), "user")
			_, _ = w.Write([]byte("ok"))
		}))
		runRequests(b, h, sm.Cookie.Name, seedSCS(b, sm))
	})
	b.Run("dancergo-simple", func(b *testing.B) {
		m := adapter.New(simple.New(), nil)
		h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = adapter.From(r).Get("user")
			_, _ = w.Write([]byte("ok"))
		}))
		runRequests(b, h, m.Cookie.Name, seedAdapter(b, m))
	})
}

// BenchmarkNoSession is the ceiling: the same handler with no session.
func BenchmarkNoSession(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	runRequests(b, h, "none", "x")
}

func runRequests(b *testing.B, h http.Handler, cookie, token string) {
	b.Helper()
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Cookie", cookie+"="+token)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// seedSCS logs a user in through scs and returns the session token.
func seedSCS(b *testing.B, sm *scs.SessionManager) string {
	b.Helper()
	h := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sm.Put(r.Context(), "user", "alice")
		sm.Put(r.Context(), "count", 0)
	}))
	return cookieOf(b, h, sm.Cookie.Name)
}

// seedAdapter logs a user in through the adapter and returns the session id.
func seedAdapter(b *testing.B, m *adapter.Manager) string {
	b.Helper()
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := adapter.From(r)
		_ = s.Set("user", "alice")
		_ = s.Set("count", 0)
	}))
	return cookieOf(b, h, m.Cookie.Name)
}

func cookieOf(b *testing.B, h http.Handler, name string) string {
	b.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c.Value
		}
	}
	b.Fatal("no session cookie; status " + strconv.Itoa(w.Code))
	return ""
}
