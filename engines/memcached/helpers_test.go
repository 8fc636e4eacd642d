package memcached

import (
	"bufio"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bradfitz/gomemcache/memcache"

	"github.com/dancergo/dancergo/internal/e2e"
)

// startMemcached runs a private memcached for the test (or skips/fails the
// test, per e2e's policy, when memcached is not installed).
func startMemcached(t *testing.T) *e2e.Process {
	t.Helper()
	return e2e.StartMemcached(t)
}

// newEngine returns an engine on the given memcached processes.
func newEngine(t *testing.T, o Options, servers ...*e2e.Process) *Engine {
	t.Helper()
	for _, p := range servers {
		o.Servers = append(o.Servers, p.Addr)
	}
	e, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// rawItem reads a key straight from one server, bypassing the engine.
func rawItem(t *testing.T, addr, key string) (*memcache.Item, bool) {
	t.Helper()
	it, err := memcache.New(addr).Get(key)
	if err == memcache.ErrCacheMiss {
		return nil, false
	}
	if err != nil {
		t.Fatalf("get %s from %s: %v", key, addr, err)
	}
	return it, true
}

// rawSet stores a value straight into one server.
func rawSet(t *testing.T, addr, key string, value []byte, flags uint32) {
	t.Helper()
	if err := memcache.New(addr).Set(&memcache.Item{Key: key, Value: value, Flags: flags}); err != nil {
		t.Fatalf("set %s on %s: %v", key, addr, err)
	}
}

// ttl returns the remaining time to live memcached reports for key (meta
// command "mg <key> t"): -1 for none.
func ttl(t *testing.T, addr, key string) int {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	fmt.Fprintf(conn, "mg %s t\r\n", key)
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range strings.Fields(line)[1:] {
		if strings.HasPrefix(f, "t") {
			n, err := strconv.Atoi(f[1:])
			if err != nil {
				t.Fatalf("mg reply %q", line)
			}
			return n
		}
	}
	t.Fatalf("mg %s: %q", key, line)
	return 0
}
