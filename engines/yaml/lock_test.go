package yaml_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/engines/yaml"
	"github.com/dancergo/dancergo/internal/e2e"
)

// holdWriteLocks takes every lock file's flock, as another Go process stuck
// in the middle of a save would hold one.
func holdWriteLocks(t *testing.T, e *yaml.Engine) (release func()) {
	t.Helper()
	var releases []func()
	for i := range 16 {
		releases = append(releases, e2e.Flock(t, filepath.Join(e.Dir(), ".dancergo-locks", fmt.Sprintf("%02d", i))))
	}
	return func() {
		for _, r := range releases {
			r()
		}
	}
}

// TestLockWaitHonoursContext: a call waiting for a lock that another
// process holds (a Go writer's lock file, or a session file Dancer2 is
// writing) gives up when the request's context ends, with ErrStore wrapping
// the context's error — also when it waits behind another request of this
// process that waits for the same lock.
func TestLockWaitHonoursContext(t *testing.T) {
	e := newEngine(t, yaml.Options{})
	id, _ := e.NewID()
	save(t, e, id, map[string]any{"id": id, "user": "alice"})
	path := filepath.Join(e.Dir(), id+".yml")
	before := readFile(t, path)
	rec, _, err := e.Load(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	rec.Values["cart"] = "1"

	for _, tc := range []struct {
		name string
		hold func(*testing.T) (release func())
		call func(context.Context) error
	}{
		{"merge", func(t *testing.T) func() { return holdWriteLocks(t, e) }, func(ctx context.Context) error {
			_, err := e.Save(ctx, rec, []string{"cart"})
			return err
		}},
		{"whole save", func(t *testing.T) func() { return holdWriteLocks(t, e) }, func(ctx context.Context) error {
			_, err := e.Save(ctx, rec, nil)
			return err
		}},
		{"delete", func(t *testing.T) func() { return holdWriteLocks(t, e) }, func(ctx context.Context) error {
			return e.Delete(ctx, id)
		}},
		{"load while Dancer2 writes", func(t *testing.T) func() { return e2e.Flock(t, path) }, func(ctx context.Context) error {
			_, _, err := e.Load(ctx, id)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			release := tc.hold(t)
			defer release()
			// Two calls at once: the second waits behind the first in
			// this process, the first for the other process's lock.
			const timeout = 100 * time.Millisecond
			errs := make(chan error, 2)
			var wg sync.WaitGroup
			start := time.Now()
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					cctx, cancel := context.WithTimeout(context.Background(), timeout)
					defer cancel()
					errs <- tc.call(cctx)
				}()
			}
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("still waiting for the lock 5s after the context ended")
			}
			close(errs)
			for err := range errs {
				if !errors.Is(err, adapter.ErrStore) || !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("= %v, want ErrStore wrapping the deadline", err)
				}
			}
			t.Logf("both calls gave up %v after a %v deadline", time.Since(start).Round(time.Millisecond), timeout)
			if after := readFile(t, path); after != before {
				t.Fatalf("the session file changed: %q", after)
			}
		})
	}
	// Released: the same calls go through.
	if _, err := e.Save(ctx, rec, []string{"cart"}); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := e.Load(ctx, id); got.Values["cart"] != "1" {
		t.Fatalf("after the locks were released: %v", got.Values)
	}
}
