package redis_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/dancergo/dancergo/engines/redis"
)

// BenchmarkRequest serves a request that reads the session and one that
// writes a key, through this engine behind adapter's middleware and through
// plain scs with redisstore's LoadAndSave: same handlers, same Redis, same
// run. It reports Redis round trips per request beside time and
// allocations.
//
//	go test -run '^$' -bench Request -benchmem ./engines/redis
func BenchmarkRequest(b *testing.B) {
	needRedis(b, sharedRedis)
	c := testConfig(b, sharedRedis)
	var trips atomic.Int64
	pool := countingPool(b, c, &trips)
	_, dancer := dancerService(redis.New(pool, c), io.Discard)
	_, plain := scsService(pool, c.Prefix)

	for _, side := range []struct {
		name string
		h    http.Handler
	}{{"dancergo", dancer}, {"scs", plain}} {
		// Log in once; every request then carries that cookie.
		w := httptest.NewRecorder()
		side.h.ServeHTTP(w, httptest.NewRequest("GET", "/set?k=user&v=alice", nil))
		cookie := w.Result().Cookies()
		if len(cookie) == 0 {
			b.Fatalf("%s: no cookie after login", side.name)
		}
		for _, kind := range []string{"read", "write"} {
			b.Run(kind+"/"+side.name, func(b *testing.B) {
				reqs := make([]*http.Request, 64)
				for i := range reqs {
					path := "/read"
					if kind == "write" {
						path = "/set?k=n&v=" + strconv.Itoa(i)
					}
					reqs[i] = httptest.NewRequest("GET", path, nil)
					reqs[i].AddCookie(cookie[0])
				}
				// Load the swap script before timing.
				side.h.ServeHTTP(httptest.NewRecorder(), reqs[0])
				trips.Store(0)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					w := httptest.NewRecorder()
					side.h.ServeHTTP(w, reqs[i%len(reqs)])
					if w.Code != http.StatusOK {
						b.Fatalf("%d: %s", w.Code, w.Body)
					}
				}
				b.StopTimer()
				b.ReportMetric(float64(trips.Load())/float64(b.N), "roundtrips/op")
			})
		}
	}
}
