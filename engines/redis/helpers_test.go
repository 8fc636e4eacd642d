package redis_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync/atomic"
	"testing"
	"time"

	redigo "github.com/gomodule/redigo/redis"

	"github.com/dancergo/dancergo/engines/redis"
	"github.com/dancergo/dancergo/internal/e2e"
)

// sharedRedis is the Redis every machine of the project runs (and .ci/run
// starts). Tests that stop and start Redis run their own instead.
const sharedRedis = "127.0.0.1:6379"

// needRedis fails (CI=true) or skips the test unless Redis answers at addr.
func needRedis(t testing.TB, addr string) {
	t.Helper()
	conn, err := redigo.Dial("tcp", addr, redigo.DialConnectTimeout(time.Second), redigo.DialReadTimeout(time.Second))
	if err == nil {
		_, err = conn.Do("PING")
		conn.Close()
	}
	e2e.Need(t, "a Redis server at "+addr, err)
}

// testConfig returns a Config for addr with a key prefix of the test's own,
// so that tests running at once, here or in other packages, never meet.
func testConfig(t testing.TB, addr string) redis.Config {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	// A generous timeout: CI runs every package at once under -race on two
	// cores, where a save that loses many compare-and-set rounds in a row
	// (the contention tests) can take longer than the 1s default. The
	// failure tests set their own short timeouts.
	return redis.Config{Server: addr, Prefix: "dancergo-test:" + hex.EncodeToString(b) + ":", PoolSize: 8, Timeout: 10 * time.Second}
}

// testPool returns a pool for c, closed when the test ends, after every key
// under c.Prefix is deleted.
func testPool(t testing.TB, c redis.Config) *redigo.Pool {
	t.Helper()
	pool, err := redis.NewPool(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cleanPrefix(t, pool, c.Prefix)
		pool.Close()
	})
	return pool
}

func cleanPrefix(t testing.TB, pool *redigo.Pool, prefix string) {
	conn := pool.Get()
	defer conn.Close()
	keys, err := redigo.Strings(conn.Do("KEYS", prefix+"*"))
	if err != nil {
		return // Redis may be the one the test stopped
	}
	for _, k := range keys {
		_, _ = conn.Do("DEL", k)
	}
}

// sharedEngine returns an engine on the shared Redis with a prefix of the
// test's own, and its config.
func sharedEngine(t testing.TB) (*redis.Engine, redis.Config, *redigo.Pool) {
	t.Helper()
	needRedis(t, sharedRedis)
	c := testConfig(t, sharedRedis)
	pool := testPool(t, c)
	return redis.New(pool, c), c, pool
}

// do runs one command on pool.
func do(t testing.TB, pool *redigo.Pool, cmd string, args ...any) any {
	t.Helper()
	conn := pool.Get()
	defer conn.Close()
	reply, err := conn.Do(cmd, args...)
	if err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	return reply
}

// countingConn counts round trips: every Do that sends a command and waits
// for its reply (Send only buffers; the Do that follows flushes it all).
type countingConn struct {
	redigo.Conn
	n *atomic.Int64
}

func (c countingConn) Do(cmd string, args ...any) (any, error) {
	if cmd != "" {
		c.n.Add(1)
	}
	return c.Conn.Do(cmd, args...)
}

func (c countingConn) DoContext(ctx context.Context, cmd string, args ...any) (any, error) {
	if cmd != "" {
		c.n.Add(1)
	}
	return redigo.DoContext(c.Conn, ctx, cmd, args...)
}

func (c countingConn) DoWithTimeout(timeout time.Duration, cmd string, args ...any) (any, error) {
	if cmd != "" {
		c.n.Add(1)
	}
	return redigo.DoWithTimeout(c.Conn, timeout, cmd, args...)
}

func (c countingConn) ReceiveWithTimeout(timeout time.Duration) (any, error) {
	return redigo.ReceiveWithTimeout(c.Conn, timeout)
}

func (c countingConn) ReceiveContext(ctx context.Context) (any, error) {
	return redigo.ReceiveContext(c.Conn, ctx)
}

// countingPool returns a pool for c whose connections count round trips in
// n.
func countingPool(t testing.TB, c redis.Config, n *atomic.Int64) *redigo.Pool {
	t.Helper()
	pool := testPool(t, c)
	dial := pool.DialContext
	pool.DialContext = func(ctx context.Context) (redigo.Conn, error) {
		conn, err := dial(ctx)
		if err != nil {
			return nil, err
		}
		return countingConn{Conn: conn, n: n}, nil
	}
	return pool
}
