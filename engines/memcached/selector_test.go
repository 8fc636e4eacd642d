package memcached

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/internal/e2e"
)

func TestNewServerSelector(t *testing.T) {
	good := []string{"127.0.0.1:11211", "localhost:1", "[::1]:11211", "/var/run/memcached.sock", "cache.example:11211"}
	bad := []string{"127.0.0.1", "host:", ":11211", "host:port", "host:0", "host:70000", "", "sock"}
	for _, s := range good {
		if _, err := NewServerSelector([]string{s}); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	for _, s := range bad {
		if _, err := NewServerSelector([]string{"127.0.0.1:1", s}); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
	if _, err := NewServerSelector(nil); err == nil {
		t.Error("an empty list accepted")
	}
	sel, _ := NewServerSelector([]string{"/tmp/mc.sock", "127.0.0.1:1"})
	var got []string
	_ = sel.Each(func(a net.Addr) error { got = append(got, a.Network()+" "+a.String()); return nil })
	if want := "unix /tmp/mc.sock,tcp 127.0.0.1:1"; strings.Join(got, ",") != want {
		t.Errorf("Each: %v, want %s", got, want)
	}
}

// runCacheMemcached feeds commands to Perl's Cache::Memcached and returns
// one output line per command.
func runCacheMemcached(t *testing.T, servers string, commands []string) []string {
	t.Helper()
	e2e.NeedPerlModules(t, "Cache::Memcached", "Storable")
	cmd := exec.Command("perl", "testdata/cache_memcached.pl", servers)
	cmd.Stdin = strings.NewReader(strings.Join(commands, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cache_memcached.pl: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(commands) {
		t.Fatalf("perl answered %d lines to %d commands", len(lines), len(commands))
	}
	return lines
}

// TestBucketsMatchCacheMemcached compares ServerSelector's choice with
// Cache::Memcached's own hash function for many keys and list lengths.
func TestBucketsMatchCacheMemcached(t *testing.T) {
	for _, n := range []int{2, 3, 5, 7} {
		servers := make([]string, n)
		for i := range servers {
			servers[i] = fmt.Sprintf("127.0.0.1:%d", 20000+i)
		}
		sel, err := NewServerSelector(servers)
		if err != nil {
			t.Fatal(err)
		}
		var keys, commands []string
		for i := range 300 {
			k := fmt.Sprintf("%d%d", 1000003*i+7, i*i)
			if i%3 == 0 {
				k = fmt.Sprintf("k%x-~_%d", i*7919, i)
			}
			keys = append(keys, k)
			commands = append(commands, "bucket "+k)
		}
		for i, line := range runCacheMemcached(t, strings.Join(servers, ","), commands) {
			want, _ := strconv.Atoi(line)
			if got := sel.Bucket(keys[i]); got != want {
				t.Errorf("%d servers, key %s: bucket %d, Cache::Memcached %d", n, keys[i], got, want)
			}
		}
	}
}

// TestTwoServersWithPerl runs two real memcached servers: sessions Perl's
// Cache::Memcached stores are found by the engine on the server Perl chose,
// and sessions the engine stores are found by Perl.
func TestTwoServersWithPerl(t *testing.T) {
	a, b := startMemcached(t), startMemcached(t)
	servers := a.Addr + "," + b.Addr
	e := newEngine(t, Options{}, a, b)
	addrs := []string{a.Addr, b.Addr}
	ctx := context.Background()

	// Perl writes, Go reads.
	var commands []string
	for i := range 40 {
		commands = append(commands, fmt.Sprintf("set %d", 900000000000+i*7777))
	}
	perServer := make([]int, 2)
	for i, line := range runCacheMemcached(t, servers, commands) {
		key := strings.Fields(commands[i])[1]
		if line != "stored" {
			t.Fatalf("perl set %s: %s", key, line)
		}
		bucket := e.Selector().Bucket(key)
		perServer[bucket]++
		if _, ok := rawItem(t, addrs[bucket], key); !ok {
			t.Errorf("Perl did not put %s on server %d, where Go looks", key, bucket)
		}
		if _, ok := rawItem(t, addrs[1-bucket], key); ok {
			t.Errorf("Perl put %s on server %d, Go looks on %d", key, 1-bucket, bucket)
		}
		rec, found, err := e.Load(ctx, key)
		if err != nil || !found || rec.Values["who"] != "perl" {
			t.Errorf("Go Load(%s) = %v, %v, %v", key, rec.Values, found, err)
		}
	}
	if perServer[0] == 0 || perServer[1] == 0 {
		t.Fatalf("keys per server %v: the test does not exercise both", perServer)
	}

	// Go writes, Perl reads.
	commands = commands[:0]
	for range 40 {
		id, _ := e.NewID()
		rec := adapter.Record{ID: id, Values: map[string]any{"id": id, "who": "go"}}
		if _, err := e.Save(ctx, rec, nil); err != nil {
			t.Fatal(err)
		}
		if _, ok := rawItem(t, addrs[1-e.Selector().Bucket(id)], id); ok {
			t.Errorf("Go put %s on both servers", id)
		}
		commands = append(commands, "get "+id)
	}
	for i, line := range runCacheMemcached(t, servers, commands) {
		id := strings.Fields(commands[i])[1]
		if want := "Dancer::Session::Memcached " + id + " go"; line != want {
			t.Errorf("Perl get %s: %q, want %q", id, line, want)
		}
	}
}
