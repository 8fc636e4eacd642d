// Package enginetest checks what every adapter.Engine that merges on save
// must do with overlapping requests of one session, so that each engine's
// tests run the same scenarios instead of a copy of them. Each check saves
// a fresh session from e.NewID and returns its id, for the checks an engine
// adds of its own (files left behind, a second delete).
package enginetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/perl"
)

// MergeOnSave has two requests load the same session and each save only
// the keys it changed, one setting a key and deleting another, the other
// setting a third: both changes must survive, and the deleted key must go.
func MergeOnSave(t *testing.T, e adapter.Engine) (id string) {
	t.Helper()
	ctx := context.Background()
	id = save(t, e, map[string]any{"user": "alice", "gone": "x"})
	a := load(t, e, id)
	b := load(t, e, id)
	a.Values["cart"] = "book"
	delete(a.Values, "gone")
	if _, err := e.Save(ctx, a, []string{"cart", "gone"}); err != nil {
		t.Fatal(err)
	}
	b.Values["theme"] = "dark"
	if _, err := e.Save(ctx, b, []string{"theme"}); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"id": id, "user": "alice", "cart": "book", "theme": "dark"}
	if got := load(t, e, id); !perl.Equal(got.Values, want) {
		t.Errorf("after two overlapping saves: %v, want %v", got.Values, want)
	}
	return id
}

// ConcurrentSaves has n goroutines each load one session, set a key of its
// own and save that key, all at once: every key must be there afterwards.
func ConcurrentSaves(t *testing.T, e adapter.Engine, n int) (id string) {
	t.Helper()
	ctx := context.Background()
	id = save(t, e, nil)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			rec, _, err := e.Load(ctx, id)
			if err != nil {
				t.Error(err)
				return
			}
			k := fmt.Sprintf("k%d", i)
			rec.Values[k] = int64(i)
			if _, err := e.Save(ctx, rec, []string{k}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got := load(t, e, id)
	for i := range n {
		if got.Values[fmt.Sprintf("k%d", i)] != int64(i) {
			t.Errorf("k%d lost", i)
		}
	}
	return id
}

// SaveAfterDelete has a request that loaded a session save a change after
// another request deleted the session (a logout): the session must stay
// deleted.
func SaveAfterDelete(t *testing.T, e adapter.Engine) (id string) {
	t.Helper()
	ctx := context.Background()
	id = save(t, e, map[string]any{"user": "alice"})
	rec := load(t, e, id)
	if err := e.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	rec.Values["cart"] = "book"
	if _, err := e.Save(ctx, rec, []string{"cart"}); err != nil {
		t.Fatal(err)
	}
	if _, found, err := e.Load(ctx, id); err != nil || found {
		t.Errorf("a save after the session was deleted: found %v, %v; want it to stay deleted", found, err)
	}
	return id
}

// Record is a session as a request saves it: values plus Dancer's "id"
// key, expiring in an hour. values is not changed.
func Record(id string, values map[string]any) adapter.Record {
	v := map[string]any{"id": id}
	for k, x := range values {
		v[k] = x
	}
	return adapter.Record{ID: id, Values: v, Deadline: time.Now().Add(time.Hour)}
}

// save stores a new session holding values, and returns its id.
func save(t *testing.T, e adapter.Engine, values map[string]any) string {
	t.Helper()
	id, err := e.NewID()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Save(context.Background(), Record(id, values), nil); err != nil {
		t.Fatal(err)
	}
	return id
}

// load loads a session that must be there.
func load(t *testing.T, e adapter.Engine, id string) adapter.Record {
	t.Helper()
	rec, found, err := e.Load(context.Background(), id)
	if err != nil || !found {
		t.Fatalf("Load(%s) = found %v, %v", id, found, err)
	}
	return rec
}
