package memcached

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/compat/storable"
	"github.com/dancergo/dancergo/internal/e2e"
	"github.com/dancergo/dancergo/internal/enginetest"
)

// TestStoredAsDancerDoes checks the raw memcached item a save leaves: key =
// id, flags 1, value = nfreeze of the session blessed into
// Dancer::Session::Memcached with its id.
func TestStoredAsDancerDoes(t *testing.T) {
	mc := startMemcached(t)
	e := newEngine(t, Options{}, mc)
	id, err := e.NewID()
	if err != nil {
		t.Fatal(err)
	}
	if !e.ValidToken(id) || strings.Trim(id, "0123456789") != "" {
		t.Fatalf("NewID = %q, want Dancer 1 digits", id)
	}
	values := map[string]any{"user": "bob", "count": int64(3), "obj": &perl.Object{Class: "My::User", Value: map[string]any{"name": "alice"}}}
	if _, err := e.Save(context.Background(), enginetest.Record(id, values), nil); err != nil {
		t.Fatal(err)
	}
	it, ok := rawItem(t, mc.Addr, id)
	if !ok {
		t.Fatal("nothing stored under the session id")
	}
	if it.Flags != 1 {
		t.Errorf("flags = %d, want 1 (F_STORABLE)", it.Flags)
	}
	if !bytes.HasPrefix(it.Value, []byte("\x05\x0b\x11\x1aDancer::Session::Memcached\x03")) {
		t.Errorf("value %x is not nfreeze of a Dancer::Session::Memcached hash", it.Value[:min(len(it.Value), 40)])
	}
	got, err := storable.Unmarshal(it.Value)
	if err != nil {
		t.Fatal(err)
	}
	want := &perl.Object{Class: Class, Value: enginetest.Record(id, values).Values}
	if !perl.Equal(got, want) {
		t.Errorf("stored %v, want %v", got, want)
	}
}

// TestLoadsPerlValues reads the values Perl's Dancer wrote (the shared
// fixtures), stored with flags 1 as Cache::Memcached stores them.
func TestLoadsPerlValues(t *testing.T) {
	mc := startMemcached(t)
	e := newEngine(t, Options{}, mc)
	for _, name := range []string{"memcached-simple", "memcached-all", "memcached-big"} {
		t.Run(name, func(t *testing.T) {
			dir := e2e.Shared(t, "fixtures", "storable")
			data, err := os.ReadFile(filepath.Join(dir, name+".bin"))
			if err != nil {
				t.Fatal(err)
			}
			meta, err := os.ReadFile(filepath.Join(dir, name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			fx, err := perl.UnmarshalJSON(meta)
			if err != nil {
				t.Fatal(err)
			}
			m := fx.(map[string]any)
			key := m["memcached_key"].(string)
			rawSet(t, mc.Addr, key, data, 1)
			rec, found, err := e.Load(context.Background(), key)
			if err != nil || !found {
				t.Fatalf("Load = %v, %v", found, err)
			}
			want := m["value"].(*perl.Object).Value
			if !perl.Equal(rec.Values, want) {
				t.Errorf("Load = %v\nwant %v", rec.Values, want)
			}
		})
	}
}

func TestLoadCompressed(t *testing.T) {
	mc := startMemcached(t)
	e := newEngine(t, Options{}, mc)
	doc, err := storable.Marshal(&perl.Object{Class: Class, Value: map[string]any{"id": "77", "big": strings.Repeat("x", 5000)}})
	if err != nil {
		t.Fatal(err)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	_, _ = zw.Write(doc)
	_ = zw.Close()
	rawSet(t, mc.Addr, "77", z.Bytes(), flagStorable|flagCompress)
	rec, found, err := e.Load(context.Background(), "77")
	if err != nil || !found || rec.Values["big"] != strings.Repeat("x", 5000) {
		t.Fatalf("Load of a gzip'd value = %v, %v", found, err)
	}
}

// TestCorruptIsErrCorrupt checks values the engine cannot read: each is
// ErrCorrupt (the adapter then starts a fresh session), and stays stored.
func TestCorruptIsErrCorrupt(t *testing.T) {
	mc := startMemcached(t)
	e := newEngine(t, Options{}, mc)
	tests := []struct {
		name  string
		value []byte
		flags uint32
	}{
		{"not Storable", []byte("garbage"), 1},
		{"truncated", []byte("\x05\x0b\x03\x00\x00\x00\x05"), 1},
		{"a plain string (flags 0)", []byte("hello"), 0},
		{"Storable array", []byte("\x05\x0b\x02\x00\x00\x00\x00"), 1},
		{"bad gzip", []byte("\x1f\x8b not gzip"), 3},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := fmt.Sprint(1000 + i)
			rawSet(t, mc.Addr, key, tt.value, tt.flags)
			_, found, err := e.Load(context.Background(), key)
			if !errors.Is(err, adapter.ErrCorrupt) || found {
				t.Fatalf("Load = %v, %v; want ErrCorrupt", found, err)
			}
			if _, ok := rawItem(t, mc.Addr, key); !ok {
				t.Error("the unreadable value was removed")
			}
		})
	}
}

func TestLoadMissing(t *testing.T) {
	mc := startMemcached(t)
	e := newEngine(t, Options{}, mc)
	_, found, err := e.Load(context.Background(), "123")
	if err != nil || found {
		t.Fatalf("Load of a missing id = %v, %v", found, err)
	}
	if err := e.Delete(context.Background(), "123"); err != nil {
		t.Fatalf("Delete of a missing id: %v", err)
	}
}

// TestMergeOnSave: two requests load the same session and each changes its
// own key; both changes must survive, and a deleted key must go.
func TestMergeOnSave(t *testing.T) {
	enginetest.MergeOnSave(t, newEngine(t, Options{}, startMemcached(t)))
}

// TestConcurrentSaves races many saves of one session, each changing its
// own key, through the compare-and-swap loop.
func TestConcurrentSaves(t *testing.T) {
	enginetest.ConcurrentSaves(t, newEngine(t, Options{MaxIdleConns: 32}, startMemcached(t)), 40)
}

// TestSaveAfterDeleteStaysDeleted: a request that loaded the session before
// another request destroyed it must not bring it back.
func TestSaveAfterDeleteStaysDeleted(t *testing.T) {
	enginetest.SaveAfterDelete(t, newEngine(t, Options{}, startMemcached(t)))
}

// TestExpiry checks memcached's exptime for each way of configuring it.
func TestExpiry(t *testing.T) {
	mc := startMemcached(t)
	ctx := context.Background()
	tests := []struct {
		name     string
		expire   time.Duration
		deadline time.Duration // from now; 0 for none
		min, max int           // remaining seconds memcached reports
	}{
		{"fixed expiry", 90 * time.Second, time.Hour, 85, 90},
		{"no expiry, as Dancer", NoExpiry, time.Hour, -1, -1},
		{"the session's deadline", 0, 2 * time.Hour, 7190, 7200},
		{"no deadline", 0, 0, -1, -1},
		// An absolute exptime is turned into memcached's own clock, which
		// ticks once a second: the ttl it reports can be one second over.
		{"past memcached's 30 days", 40 * 24 * time.Hour, 0, 40*24*3600 - 10, 40*24*3600 + 1},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t, Options{Expire: tt.expire}, mc)
			id := fmt.Sprint(500 + i)
			rec := enginetest.Record(id, nil)
			rec.Deadline = time.Time{}
			if tt.deadline > 0 {
				rec.Deadline = time.Now().Add(tt.deadline)
			}
			if _, err := e.Save(ctx, rec, nil); err != nil {
				t.Fatal(err)
			}
			if got := ttl(t, mc.Addr, id); got < tt.min || got > tt.max {
				t.Errorf("ttl = %d, want %d..%d", got, tt.min, tt.max)
			}
		})
	}
	// And it does expire.
	e := newEngine(t, Options{Expire: time.Second}, mc)
	if _, err := e.Save(ctx, enginetest.Record("600", nil), nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond)
	if _, found, _ := e.Load(ctx, "600"); found {
		t.Error("session still there after its expiry")
	}
}

func TestTooLarge(t *testing.T) {
	mc := startMemcached(t)
	ctx := context.Background()
	big := map[string]any{"big": strings.Repeat("x", 2<<20)}
	t.Run("engine limit", func(t *testing.T) {
		e := newEngine(t, Options{MaxSize: 1000}, mc)
		_, err := e.Save(ctx, enginetest.Record("700", map[string]any{"big": strings.Repeat("x", 2000)}), nil)
		if !errors.Is(err, adapter.ErrTooLarge) {
			t.Errorf("Save = %v, want ErrTooLarge", err)
		}
	})
	t.Run("memcached's item limit", func(t *testing.T) {
		e := newEngine(t, Options{MaxSize: -1}, mc)
		_, err := e.Save(ctx, enginetest.Record("701", big), nil)
		if !errors.Is(err, adapter.ErrTooLarge) {
			t.Errorf("Save of 2 MB = %v, want ErrTooLarge", err)
		}
		// The connection is still good for the next session.
		if _, err := e.Save(ctx, enginetest.Record("702", nil), nil); err != nil {
			t.Errorf("next Save: %v", err)
		}
	})
}

func TestContextDone(t *testing.T) {
	mc := startMemcached(t)
	e := newEngine(t, Options{}, mc)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := e.Load(ctx, "1"); !errors.Is(err, adapter.ErrStore) || !errors.Is(err, context.Canceled) {
		t.Errorf("Load = %v", err)
	}
	if _, err := e.Save(ctx, enginetest.Record("1", nil), nil); !errors.Is(err, adapter.ErrStore) {
		t.Errorf("Save = %v", err)
	}
	if _, err := e.Save(ctx, enginetest.Record("1", nil), []string{"x"}); !errors.Is(err, adapter.ErrStore) {
		t.Errorf("Save (merge) = %v", err)
	}
	if err := e.Delete(ctx, "1"); !errors.Is(err, adapter.ErrStore) {
		t.Errorf("Delete = %v", err)
	}
}

// TestUnixSocket runs memcached on a Unix socket, as memcached_servers may
// name one: the engine and Perl's Cache::Memcached share sessions through
// it.
func TestUnixSocket(t *testing.T) {
	bin := e2e.NeedCommand(t, "memcached")
	dir, err := os.MkdirTemp("", "mc-sock-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil { // memcached may run as nobody
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "memcached.sock")
	args := []string{"-s", sock, "-a", "0777"}
	if os.Geteuid() == 0 {
		args = append(args, "-u", "nobody")
	}
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for i := 0; ; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if i == 100 {
			t.Fatal("memcached did not create its socket")
		}
		time.Sleep(20 * time.Millisecond)
	}
	e, err := New(Options{Servers: []string{sock}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	if _, err := e.Save(ctx, enginetest.Record("271", map[string]any{"user": "alice"}), nil); err != nil {
		t.Fatal(err)
	}
	if rec, found, err := e.Load(ctx, "271"); err != nil || !found || rec.Values["user"] != "alice" {
		t.Fatalf("Load over the socket = %v, %v, %v", rec.Values, found, err)
	}
	if got := runCacheMemcached(t, sock, []string{"get 271", "set 272"}); got[0] != "Dancer::Session::Memcached 271 " || got[1] != "stored" {
		t.Errorf("Perl over the socket: %q", got)
	}
	if rec, found, err := e.Load(ctx, "272"); err != nil || !found || rec.Values["who"] != "perl" {
		t.Errorf("Load of Perl's session over the socket = %v, %v, %v", rec.Values, found, err)
	}
}
