package memcached

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/dancergo/dancergo/adapter"
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
	if _, err := e.Save(ctx, record("31", map[string]any{"user": "bob"}), nil); err != nil {
		t.Fatal(err)
	}

	mc.Stop()
	if code := request(); code != http.StatusServiceUnavailable {
		t.Errorf("with memcached down: status %d, want 503", code)
	}
	if _, _, err := e.Load(ctx, "31"); !errors.Is(err, adapter.ErrStore) {
		t.Errorf("Load with memcached down = %v, want ErrStore", err)
	}
	if _, err := e.Save(ctx, record("32", nil), nil); !errors.Is(err, adapter.ErrStore) {
		t.Errorf("Save with memcached down = %v, want ErrStore", err)
	}
	if _, err := e.Save(ctx, record("31", nil), []string{"x"}); !errors.Is(err, adapter.ErrStore) {
		t.Errorf("merging Save with memcached down = %v, want ErrStore", err)
	}
	if err := e.Delete(ctx, "31"); !errors.Is(err, adapter.ErrStore) {
		t.Errorf("Delete with memcached down = %v, want ErrStore", err)
	}

	mc.Start() // same port, empty
	if code := request(); code != http.StatusOK {
		t.Errorf("after memcached came back: status %d", code)
	}
	if _, err := e.Save(ctx, record("33", map[string]any{"user": "carol"}), nil); err != nil {
		t.Fatalf("Save after memcached came back: %v", err)
	}
	rec, found, err := e.Load(ctx, "33")
	if err != nil || !found || rec.Values["user"] != "carol" {
		t.Errorf("Load after memcached came back = %v, %v, %v", rec.Values, found, err)
	}
}
