package redis_test

import (
	"context"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/dancergo/dancergo/adapter"
)

// TestLoadSeesWritesOfOthers: the decoded-session cache must never hide a
// write made elsewhere — another process, a plain scs app, redis-cli.
func TestLoadSeesWritesOfOthers(t *testing.T) {
	e, c, pool := sharedEngine(t)
	ctx := context.Background()
	id, _ := e.NewID()
	deadline := time.Now().Add(time.Hour)
	if _, err := e.Save(ctx, adapter.Record{ID: id, Values: map[string]any{"id": id, "user": "alice"}, Deadline: deadline}, nil); err != nil {
		t.Fatal(err)
	}
	first, _, err := e.Load(ctx, id)
	if err != nil || first.Values["user"] != "alice" {
		t.Fatalf("Load = %v, %v", first.Values, err)
	}
	first.Values["user"] = "changed in the request's copy only"

	// A plain scs app writes the same key.
	b, err := scs.GobCodec{}.Encode(deadline, map[string]any{"id": id, "user": "bob"})
	if err != nil {
		t.Fatal(err)
	}
	do(t, pool, "SET", c.Prefix+id, b)
	again, _, err := e.Load(ctx, id)
	if err != nil || again.Values["user"] != "bob" {
		t.Fatalf("after another writer: %v, %v", again.Values, err)
	}

	// And deletes it.
	do(t, pool, "DEL", c.Prefix+id)
	if _, found, err := e.Load(ctx, id); found || err != nil {
		t.Fatalf("after DEL: found %v, %v", found, err)
	}
}

// TestCachedValuesAreNotShared: what one request changes in its record does
// not leak into the next Load of the same bytes.
func TestCachedValuesAreNotShared(t *testing.T) {
	e, _, _ := sharedEngine(t)
	ctx := context.Background()
	id, _ := e.NewID()
	if _, err := e.Save(ctx, adapter.Record{ID: id, Values: map[string]any{"id": id, "n": int64(1)}, Deadline: time.Now().Add(time.Hour)}, nil); err != nil {
		t.Fatal(err)
	}
	a, _, _ := e.Load(ctx, id)
	a.Values["n"] = int64(99)
	a.Values["extra"] = "x"
	b, _, _ := e.Load(ctx, id)
	if b.Values["n"] != int64(1) || b.Values["extra"] != nil {
		t.Fatalf("second Load saw the first request's edits: %v", b.Values)
	}
}
