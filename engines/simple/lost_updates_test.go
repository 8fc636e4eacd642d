package simple_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/engines/simple"
	"github.com/dancergo/dancergo/internal/e2e"
)

// BenchmarkLostUpdates measures what 60 overlapping requests of one user,
// each setting its own key, leave behind: plain scs keeps only some of the
// keys (the last save wins), the adapter keeps them all. It reports the
// keys lost per round as lost/60; examples/login's concurrency test asserts
// the adapter's zero.
func BenchmarkLostUpdates(b *testing.B) {
	const n = 60
	b.Run("scs-memstore", func(b *testing.B) {
		sm := scs.New()
		sm.Store = memstore.NewWithCleanupInterval(0)
		mux := http.NewServeMux()
		mux.HandleFunc("POST /session", func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			for k, v := range r.PostForm {
				sm.Put(r.Context(), k, v[0])
			}
		})
		mux.HandleFunc("GET /session", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "{")
			for i, k := range sm.Keys(r.Context()) {
				if i > 0 {
					fmt.Fprint(w, ",")
				}
				fmt.Fprintf(w, "%q:%q", k, sm.GetString(r.Context(), k))
			}
			fmt.Fprint(w, "}")
		})
		mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
			sm.Put(r.Context(), "user", "alice")
		})
		lost(b, sm.LoadAndSave(mux), n)
	})
	b.Run("dancergo-simple", func(b *testing.B) {
		m := adapter.New(simple.New(), nil)
		mux := http.NewServeMux()
		mux.HandleFunc("POST /session", func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			for k, v := range r.PostForm {
				_ = adapter.From(r).Set(k, v[0])
			}
		})
		mux.HandleFunc("GET /session", func(w http.ResponseWriter, r *http.Request) {
			all, _ := adapter.From(r).All()
			fmt.Fprint(w, "{")
			i := 0
			for k, v := range all {
				if i > 0 {
					fmt.Fprint(w, ",")
				}
				fmt.Fprintf(w, "%q:%q", k, v)
				i++
			}
			fmt.Fprint(w, "}")
		})
		mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
			_ = adapter.From(r).Set("user", "alice")
		})
		lost(b, m.Middleware(mux), n)
	})
}

func lost(b *testing.B, h http.Handler, n int) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	total := 0
	for b.Loop() {
		c := e2e.Client(b)
		resp, err := c.Post(srv.URL+"/login", "", nil)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		total += len(e2e.ConcurrentSet(b, c, srv.URL, n))
	}
	b.ReportMetric(float64(total)/float64(b.N), fmt.Sprintf("lost/%d", n))
}
