package simple_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/engines/simple"
)

func TestRoundTripKeepsTheValueModel(t *testing.T) {
	e, err := simple.Open(config.Default())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id, _ := e.NewID()
	values := map[string]any{
		"id": id, "n": int64(1), "f": 2.5, "ok": true, "u": nil,
		"o": &perl.Object{Class: "My::User", Value: map[string]any{"roles": []any{"admin"}}},
	}
	if _, err := e.Save(ctx, adapter.Record{ID: id, Values: values, Deadline: time.Now().Add(time.Hour)}, nil); err != nil {
		t.Fatal(err)
	}
	rec, found, err := e.Load(ctx, id)
	if err != nil || !found || !perl.Equal(rec.Values, values) {
		t.Fatalf("Load = %#v, %v, %v", rec.Values, found, err)
	}
	if err := e.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := e.Load(ctx, id); found {
		t.Fatal("deleted session still found")
	}
}

// TestConcurrentMergesLoseNothing saves 100 changes of one session at once,
// each from a record loaded before any of them: every key survives.
func TestConcurrentMergesLoseNothing(t *testing.T) {
	e := simple.New()
	ctx := context.Background()
	id, _ := e.NewID()
	deadline := time.Now().Add(time.Hour)
	if _, err := e.Save(ctx, adapter.Record{ID: id, Values: map[string]any{"id": id}, Deadline: deadline}, nil); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, _, err := e.Load(ctx, id)
			if err != nil {
				t.Error(err)
				return
			}
			key := fmt.Sprintf("k%d", i)
			rec.Values[key] = int64(i)
			if _, err := e.Save(ctx, rec, []string{key}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	rec, _, _ := e.Load(ctx, id)
	for i := range 100 {
		if rec.Values[fmt.Sprintf("k%d", i)] != int64(i) {
			t.Fatalf("k%d lost", i)
		}
	}
}

func TestMergeDoesNotResurrectADestroyedSession(t *testing.T) {
	e := simple.New()
	ctx := context.Background()
	id, _ := e.NewID()
	rec := adapter.Record{ID: id, Values: map[string]any{"id": id, "user": "alice"}, Deadline: time.Now().Add(time.Hour)}
	if _, err := e.Save(ctx, rec, nil); err != nil {
		t.Fatal(err)
	}
	loaded, _, _ := e.Load(ctx, id)
	if err := e.Delete(ctx, id); err != nil { // another request logs out
		t.Fatal(err)
	}
	loaded.Values["cart"] = "book"
	if _, err := e.Save(ctx, loaded, []string{"cart"}); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := e.Load(ctx, id); found {
		t.Fatal("an update after a logout brought the session back")
	}
}
