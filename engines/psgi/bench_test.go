package psgi_test

import (
	"fmt"
	"testing"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/perl"
)

// benchSession is a login-sized session: a user, a few flags, a small cart.
func benchSession() map[string]any {
	return map[string]any{
		"user":    "alice@example.com",
		"uid":     int64(1001),
		"roles":   []any{"admin", "dev"},
		"csrf":    "3f6d0e2a9c1b4a7f8e5d2c1b0a9f8e7d",
		"cart":    []any{map[string]any{"sku": "A-1", "qty": int64(2)}, map[string]any{"sku": "B-7", "qty": int64(1)}},
		"locale":  "de_DE",
		"visited": int64(17),
		"profile": &perl.Object{Class: "My::Profile", Value: map[string]any{"name": "Alice", "tz": "Europe/Berlin"}},
	}
}

func BenchmarkLoad(b *testing.B) {
	e := newEngine(b)
	id, _ := e.NewID()
	mustSave(b, e, adapter.Record{ID: id, Values: benchSession()}, nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, found, err := e.Load(ctx, id); err != nil || !found {
			b.Fatal(found, err)
		}
	}
}

// BenchmarkSaveMerge is a request that changed one key of a loaded session:
// lock, re-read, write a temporary file, rename.
func BenchmarkSaveMerge(b *testing.B) {
	e := newEngine(b)
	id, _ := e.NewID()
	mustSave(b, e, adapter.Record{ID: id, Values: benchSession()}, nil)
	rec := mustLoad(b, e, id)
	rec.Values["id"] = id
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		rec.Values["visited"] = int64(i)
		if _, err := e.Save(ctx, rec, []string{"visited"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSaveNew is a login: a new session file.
func BenchmarkSaveNew(b *testing.B) {
	e := newEngine(b)
	values := benchSession()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		id := fmt.Sprintf("%040x", i)
		values["id"] = id
		if _, err := e.Save(ctx, adapter.Record{ID: id, Values: values}, nil); err != nil {
			b.Fatal(err)
		}
	}
}
