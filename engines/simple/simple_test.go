package simple_test

import (
	"context"
	"testing"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/engines/simple"
	"github.com/dancergo/dancergo/internal/enginetest"
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
	enginetest.ConcurrentSaves(t, simple.New(), 100)
}

func TestMergeDoesNotResurrectADestroyedSession(t *testing.T) {
	enginetest.SaveAfterDelete(t, simple.New())
}
