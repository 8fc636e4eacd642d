package psgi_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/engines/psgi"
)

// TestConcurrentMergesLoseNothing runs 64 overlapping requests on one
// session, each setting its own key, through two engines on the same
// directory: the engines' in-process gates are separate, so between them
// only the flock keeps the merges apart, as between two processes.
func TestConcurrentMergesLoseNothing(t *testing.T) {
	dir := t.TempDir()
	var engines [2]*psgi.Engine
	for i := range engines {
		e, err := psgi.New(psgi.Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		engines[i] = e
	}
	id, _ := engines[0].NewID()
	mustSave(t, engines[0], adapter.Record{ID: id, Values: map[string]any{"user": "alice"}}, nil)

	const n = 64
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := engines[i%2]
			<-start
			rec, found, err := e.Load(ctx, id)
			if err != nil || !found {
				errs <- fmt.Errorf("load %d: found %v, %v", i, found, err)
				return
			}
			key := fmt.Sprintf("k%d", i)
			rec.Values["id"] = id
			rec.Values[key] = int64(i)
			if _, err := e.Save(ctx, rec, []string{key}); err != nil {
				errs <- fmt.Errorf("save %d: %v", i, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got := mustLoad(t, engines[1], id).Values
	for i := range n {
		if got[fmt.Sprintf("k%d", i)] != int64(i) {
			t.Errorf("k%d lost", i)
		}
	}
	if got["user"] != "alice" || len(got) != n+1 {
		t.Errorf("session has %d keys, user %v", len(got), got["user"])
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Errorf("directory holds %v after the writes", names)
	}
}

// TestDeleteWinsOverConcurrentMerge races a logout against a request that
// loaded the session before it: whichever runs first, the session stays
// deleted.
func TestDeleteWinsOverConcurrentMerge(t *testing.T) {
	dir := t.TempDir()
	a, err := psgi.New(psgi.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	b, err := psgi.New(psgi.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for round := range 200 {
		id, _ := a.NewID()
		mustSave(t, a, adapter.Record{ID: id, Values: map[string]any{"user": "alice"}}, nil)
		rec := mustLoad(t, b, id)
		rec.Values["cart"] = int64(round)
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			if err := a.Delete(ctx, id); err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			if _, err := b.Save(ctx, rec, []string{"cart"}); err != nil {
				t.Error(err)
			}
		}()
		wg.Wait()
		if _, err := os.Stat(filepath.Join(dir, id)); !os.IsNotExist(err) {
			t.Fatalf("round %d: the session came back after its logout (%v)", round, err)
		}
	}
}
