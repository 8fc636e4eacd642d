package redis_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/scs/redisstore"
	"github.com/alexedwards/scs/v2"
	redigo "github.com/gomodule/redigo/redis"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/engines/redis"
	"github.com/dancergo/dancergo/internal/e2e"
	"github.com/dancergo/dancergo/internal/enginetest"
)

// newSession saves a fresh session holding values and returns its record as
// a request would load it.
func newSession(t *testing.T, e *redis.Engine, values map[string]any, lifetime time.Duration) adapter.Record {
	t.Helper()
	ctx := context.Background()
	id, err := e.NewID()
	if err != nil {
		t.Fatal(err)
	}
	rec := enginetest.Record(id, values)
	rec.Deadline = time.Now().Add(lifetime)
	if tok, err := e.Save(ctx, rec, nil); err != nil || tok != id {
		t.Fatalf("save new session: %q, %v", tok, err)
	}
	loaded, found, err := e.Load(ctx, id)
	if err != nil || !found {
		t.Fatalf("load new session: found %v, %v", found, err)
	}
	return loaded
}

func TestLoadSaveDelete(t *testing.T) {
	e, c, pool := sharedEngine(t)
	ctx := context.Background()
	lifetime := 90 * time.Minute
	rec := newSession(t, e, map[string]any{"user": "alice", "n": int64(3)}, lifetime)
	if !perl.Equal(rec.Values, map[string]any{"id": rec.ID, "user": "alice", "n": int64(3)}) {
		t.Fatalf("loaded %#v", rec.Values)
	}
	if _, ok := rec.Version.([]byte); !ok {
		t.Fatalf("Version = %T, want the bytes read", rec.Version)
	}
	if !e.ValidToken(rec.ID) || len(rec.ID) != 43 {
		t.Fatalf("id %q is not scs's shape", rec.ID)
	}

	key := c.Prefix + rec.ID
	pttl, _ := redigo.Int64(do(t, pool, "PTTL", key), nil)
	if want := lifetime.Milliseconds(); pttl <= want-5000 || pttl > want {
		t.Fatalf("PTTL = %dms, want about %dms (the session lifetime)", pttl, want)
	}

	if err := e.Delete(ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	if _, found, err := e.Load(ctx, rec.ID); found || err != nil {
		t.Fatalf("after Delete: found %v, %v", found, err)
	}
	if err := e.Delete(ctx, rec.ID); err != nil {
		t.Fatalf("deleting a missing session: %v", err)
	}
	if _, found, err := e.Load(ctx, "neverStored"); found || err != nil {
		t.Fatalf("missing session: found %v, %v", found, err)
	}
}

// TestSameKeysAndBytesAsRedisstore checks the claim that makes sharing
// work: the engine's writes are redisstore's writes (key, bytes, expiry),
// and each reads what the other wrote.
func TestSameKeysAndBytesAsRedisstore(t *testing.T) {
	_, c, pool := sharedEngine(t)
	ctx := context.Background()
	ours := redis.NewStore(pool, c.Prefix, 0)
	theirs := redisstore.NewWithPrefix(pool, c.Prefix)
	expiry := time.Now().Add(time.Hour)
	payload := []byte("\x00bytes\xffof a session")

	if err := ours.CommitCtx(ctx, "ours", payload, expiry); err != nil {
		t.Fatal(err)
	}
	if err := theirs.Commit("theirs", payload, expiry); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"ours", "theirs"} {
		raw, _ := redigo.Bytes(do(t, pool, "GET", c.Prefix+id), nil)
		if !bytes.Equal(raw, payload) {
			t.Errorf("%s: stored %q", id, raw)
		}
		at, _ := redigo.Int64(do(t, pool, "PEXPIRETIME", c.Prefix+id), nil)
		if at != expiry.UnixMilli() {
			t.Errorf("%s: expires at %d, want %d", id, at, expiry.UnixMilli())
		}
	}
	if b, found, err := theirs.Find("ours"); !found || err != nil || !bytes.Equal(b, payload) {
		t.Errorf("redisstore reads ours: %q %v %v", b, found, err)
	}
	if b, found, err := ours.FindCtx(ctx, "theirs"); !found || err != nil || !bytes.Equal(b, payload) {
		t.Errorf("we read redisstore's: %q %v %v", b, found, err)
	}
	if err := ours.DeleteCtx(ctx, "theirs"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := theirs.Find("theirs"); found {
		t.Error("DeleteCtx left the key")
	}
}

// fixtureValues returns the decoded value of every Storable fixture: real
// Perl data (nested hashes and lists, blessed objects, scalar refs, undef,
// numbers of each kind).
func fixtureValues(t *testing.T) map[string]any {
	t.Helper()
	dir := e2e.Shared(t, "fixtures", "storable")
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures in %s: %v", dir, err)
	}
	out := map[string]any{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		v, err := perl.UnmarshalJSON(doc.Value)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out[filepath.Base(p)] = v
	}
	return out
}

// TestValueModelSurvivesGob stores every fixture's value and reads it back,
// through the engine and through plain scs's decoding of the raw bytes.
func TestValueModelSurvivesGob(t *testing.T) {
	e, c, pool := sharedEngine(t)
	for name, v := range fixtureValues(t) {
		t.Run(name, func(t *testing.T) {
			rec := newSession(t, e, map[string]any{"v": v}, time.Hour)
			if !perl.Equal(rec.Values["v"], v) {
				t.Fatalf("engine read back %#v\nwant %#v", rec.Values["v"], v)
			}
			raw, _ := redigo.Bytes(do(t, pool, "GET", c.Prefix+rec.ID), nil)
			_, values, err := scs.GobCodec{}.Decode(raw)
			if err != nil || !perl.Equal(values["v"], v) {
				t.Fatalf("scs.GobCodec read %#v, %v", values["v"], err)
			}
		})
	}
}

func TestGarbageIsCorrupt(t *testing.T) {
	e, c, pool := sharedEngine(t)
	for name, garbage := range map[string][]byte{
		"text":      []byte("not gob at all"),
		"empty":     {},
		"huge size": {0xf8, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		"truncated": gobPrefix(t),
	} {
		t.Run(name, func(t *testing.T) {
			do(t, pool, "DEL", c.Prefix+"garbage")
			do(t, pool, "SET", c.Prefix+"garbage", garbage)
			_, found, err := e.Load(context.Background(), "garbage")
			if !errors.Is(err, adapter.ErrCorrupt) || errors.Is(err, adapter.ErrStore) || found {
				t.Fatalf("Load = found %v, %v; want ErrCorrupt", found, err)
			}
		})
	}
}

// TestWrongTypeIsCorrupt: a list under a session's key is garbage too,
// not a store failure.
func TestWrongTypeIsCorrupt(t *testing.T) {
	e, c, pool := sharedEngine(t)
	do(t, pool, "RPUSH", c.Prefix+"aList", "x")
	_, found, err := e.Load(context.Background(), "aList")
	if !errors.Is(err, adapter.ErrCorrupt) || errors.Is(err, adapter.ErrStore) || found {
		t.Fatalf("Load = found %v, %v; want ErrCorrupt", found, err)
	}
}

// gobPrefix returns the first half of a real encoded session.
func gobPrefix(t *testing.T) []byte {
	b, err := scs.GobCodec{}.Encode(time.Now(), map[string]any{"user": "alice", "list": []any{"a", int64(1)}})
	if err != nil {
		t.Fatal(err)
	}
	return b[:len(b)/2]
}

// TestMergeAfterConflict interleaves two requests by hand: both load, both
// save. The second save finds the first one's bytes, merges onto them and
// keeps both changes; on the same key the last writer wins.
func TestMergeAfterConflict(t *testing.T) {
	e, _, _ := sharedEngine(t)
	ctx := context.Background()
	base := newSession(t, e, map[string]any{"user": "alice", "x": "0", "gone": "yes"}, time.Hour)

	a, _, _ := e.Load(ctx, base.ID)
	b, _, _ := e.Load(ctx, base.ID)
	a.Values["cart"] = "book"
	a.Values["x"] = "from a"
	b.Values["lang"] = "fr"
	b.Values["x"] = "from b"
	delete(b.Values, "gone")
	if _, err := e.Save(ctx, a, []string{"cart", "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Save(ctx, b, []string{"gone", "lang", "x"}); err != nil {
		t.Fatal(err)
	}
	got, _, err := e.Load(ctx, base.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"id": base.ID, "user": "alice", "cart": "book", "lang": "fr", "x": "from b"}
	if !perl.Equal(got.Values, want) {
		t.Fatalf("after two racing saves: %#v\nwant %#v", got.Values, want)
	}
}

// TestDestroyWinsOverUpdate: a request that loaded the session before a
// logout deleted it saves afterwards; the session must stay deleted.
func TestDestroyWinsOverUpdate(t *testing.T) {
	e, c, pool := sharedEngine(t)
	ctx := context.Background()
	rec := newSession(t, e, map[string]any{"user": "alice"}, time.Hour)
	rec.Values["cart"] = "book"
	if err := e.Delete(ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Save(ctx, rec, []string{"cart"}); err != nil {
		t.Fatalf("save after destroy: %v (want the save dropped quietly)", err)
	}
	if n, _ := redigo.Int(do(t, pool, "EXISTS", c.Prefix+rec.ID), nil); n != 0 {
		t.Fatal("a save after the destroy recreated the session")
	}

	// And with the delete racing many updates: once deleted, no update
	// brings the session back.
	rec = newSession(t, e, map[string]any{"user": "bob"}, time.Hour)
	var (
		wg    sync.WaitGroup
		saves atomic.Int64
	)
	for i := range 20 {
		wg.Go(func() {
			for j := 0; ; j++ {
				r, found, err := e.Load(ctx, rec.ID)
				if err != nil {
					t.Error(err)
					return
				}
				if !found {
					return
				}
				k := fmt.Sprintf("k%d", i)
				r.Values[k] = j
				if _, err := e.Save(ctx, r, []string{k}); err != nil {
					t.Error(err)
					return
				}
				saves.Add(1)
			}
		})
	}
	for deadline := time.Now().Add(10 * time.Second); saves.Load() < 100 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	if err := e.Delete(ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	t.Logf("%d updates saved around the destroy", saves.Load())
	if n, _ := redigo.Int(do(t, pool, "EXISTS", c.Prefix+rec.ID), nil); n != 0 {
		t.Fatal("a concurrent update recreated the destroyed session")
	}
}

// TestSwapScriptReloads: after Redis forgets its scripts (a restart, SCRIPT
// FLUSH), the next save still works: EVALSHA fails with NOSCRIPT and EVAL
// loads the script again.
func TestSwapScriptReloads(t *testing.T) {
	// A Redis of its own: SCRIPT FLUSH is not for a server others use.
	c := testConfig(t, e2e.StartRedis(t).Addr)
	pool := testPool(t, c)
	e := redis.New(pool, c)
	ctx := context.Background()
	rec := newSession(t, e, map[string]any{"user": "alice"}, time.Hour)
	do(t, pool, "SCRIPT", "FLUSH")
	rec.Values["cart"] = "pen"
	if _, err := e.Save(ctx, rec, []string{"cart"}); err != nil {
		t.Fatal(err)
	}
	got, _, _ := e.Load(ctx, rec.ID)
	if got.Values["cart"] != "pen" {
		t.Fatalf("cart = %#v", got.Values["cart"])
	}
}

// TestCorruptStoredDuringMerge: the session was replaced by garbage between
// load and save; the save replaces it with the request's whole view rather
// than failing forever.
func TestCorruptStoredDuringMerge(t *testing.T) {
	e, c, pool := sharedEngine(t)
	ctx := context.Background()
	rec := newSession(t, e, map[string]any{"user": "alice"}, time.Hour)
	do(t, pool, "SET", c.Prefix+rec.ID, "garbage")
	rec.Values["cart"] = "pen"
	if _, err := e.Save(ctx, rec, []string{"cart"}); err != nil {
		t.Fatal(err)
	}
	got, _, err := e.Load(ctx, rec.ID)
	if err != nil || got.Values["cart"] != "pen" || got.Values["user"] != "alice" {
		t.Fatalf("after saving over garbage: %#v, %v", got.Values, err)
	}
}

// TestSaveWithoutVersion: a record this engine did not load (no Version)
// is merged onto the stored session too, and not recreated when gone.
func TestSaveWithoutVersion(t *testing.T) {
	e, _, _ := sharedEngine(t)
	ctx := context.Background()
	rec := newSession(t, e, map[string]any{"user": "alice"}, time.Hour)
	foreign := adapter.Record{ID: rec.ID, Values: map[string]any{"cart": "cup"}, Deadline: rec.Deadline}
	if _, err := e.Save(ctx, foreign, []string{"cart"}); err != nil {
		t.Fatal(err)
	}
	got, _, _ := e.Load(ctx, rec.ID)
	if got.Values["user"] != "alice" || got.Values["cart"] != "cup" {
		t.Fatalf("merged: %#v", got.Values)
	}
	_ = e.Delete(ctx, rec.ID)
	if _, err := e.Save(ctx, foreign, []string{"cart"}); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := e.Load(ctx, rec.ID); found {
		t.Fatal("recreated a deleted session")
	}
}

// TestIDs lists the sessions under the engine's prefix, and only those,
// across several SCAN batches; a prefix holding glob characters matches only
// itself.
func TestIDs(t *testing.T) {
	needRedis(t, sharedRedis)
	c := testConfig(t, sharedRedis)
	c.Prefix += "[a]*:"
	pool := testPool(t, c)
	e := redis.New(pool, c)
	want := map[string]bool{}
	for range 1200 {
		id, _ := e.NewID()
		want[id] = true
		do(t, pool, "SET", c.Prefix+id, "x")
	}
	// Neighbours the pattern must not catch.
	other := testConfig(t, sharedRedis)
	otherPool := testPool(t, other)
	do(t, otherPool, "SET", other.Prefix+"elsewhere", "x")
	do(t, pool, "SET", strings.Replace(c.Prefix, "[a]*", "a-anything", 1)+"lookalike", "x")
	defer do(t, pool, "DEL", strings.Replace(c.Prefix, "[a]*", "a-anything", 1)+"lookalike")

	got := map[string]bool{}
	for id, err := range e.IDs(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if got[id] {
			t.Logf("SCAN gave %s twice", id) // SCAN may; a lister's caller copes
		}
		got[id] = true
	}
	if len(got) != len(want) {
		t.Fatalf("listed %d ids, stored %d", len(got), len(want))
	}
	for id := range got {
		if !want[id] {
			t.Fatalf("listed %q, not a session of this prefix", id)
		}
	}

	// Stopping early is allowed.
	n := 0
	for range e.IDs(context.Background()) {
		n++
		if n == 3 {
			break
		}
	}

	// Redis down: one error.
	down, err := redis.Dial(redis.Config{Server: e2e.FreeAddr(t), Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer down.Close()
	for _, err := range down.IDs(context.Background()) {
		if !errors.Is(err, adapter.ErrStore) {
			t.Fatalf("listing with Redis down: %v", err)
		}
	}
}
