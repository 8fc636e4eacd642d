package psgi_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/engines/psgi"
)

// Compile-time checks of the optional interfaces the tool relies on.
var (
	_ adapter.Lister      = (*psgi.Engine)(nil)
	_ adapter.Purger      = (*psgi.Engine)(nil)
	_ adapter.CookieNamer = (*psgi.Engine)(nil)
)

// populate makes n sessions and, beside them, files that are not sessions.
func populate(t *testing.T, e *psgi.Engine, n int) []string {
	t.Helper()
	var ids []string
	for range n {
		id, _ := e.NewID()
		mustSave(t, e, adapter.Record{ID: id, Values: map[string]any{"user": "u"}}, nil)
		ids = append(ids, id)
	}
	slices.Sort(ids)
	dir := e.Dir()
	for _, junk := range []string{"README", "ABCDEF0123456789ABCDEF0123456789ABCDEF01", "." + ids[0] + ".tmp-123"} {
		if err := os.WriteFile(filepath.Join(dir, junk), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	linkID, _ := e.NewID()
	if err := os.Symlink(filepath.Join(dir, ids[0]), filepath.Join(dir, linkID)); err != nil {
		t.Fatal(err)
	}
	dirID, _ := e.NewID()
	if err := os.Mkdir(filepath.Join(dir, dirID), 0o700); err != nil {
		t.Fatal(err)
	}
	return ids
}

func listIDs(t *testing.T, e *psgi.Engine) []string {
	t.Helper()
	var out []string
	for id, err := range e.IDs(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func TestIDsListsSessionsOnly(t *testing.T) {
	e := newEngine(t)
	ids := populate(t, e, 1200) // more than one ReadDir batch
	if got := listIDs(t, e); !slices.Equal(got, ids) {
		t.Fatalf("IDs listed %d ids, want the %d sessions", len(got), len(ids))
	}
	// Stopping early is allowed.
	for range e.IDs(ctx) {
		break
	}
}

func TestIDsOnAMissingDirectoryIsAStoreError(t *testing.T) {
	e := newEngine(t)
	if err := os.Remove(e.Dir()); err != nil {
		t.Fatal(err)
	}
	for _, err := range e.IDs(ctx) {
		if !errors.Is(err, adapter.ErrStore) {
			t.Fatalf("err = %v, want ErrStore", err)
		}
		return
	}
	t.Fatal("no error for a missing directory")
}

func TestPurge(t *testing.T) {
	e := newEngine(t)
	ids := populate(t, e, 6)
	old := time.Now().Add(-3 * time.Hour)
	for _, name := range append(slices.Clone(ids[:4]), "."+ids[0]+".tmp-123") {
		if err := os.Chtimes(filepath.Join(e.Dir(), name), old, old); err != nil {
			t.Fatal(err)
		}
	}
	n, err := e.Purge(ctx, 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("purged %d, want 4", n)
	}
	if got := listIDs(t, e); !slices.Equal(got, ids[4:]) {
		t.Errorf("left %v, want %v", got, ids[4:])
	}
	if _, err := os.Stat(filepath.Join(e.Dir(), "."+ids[0]+".tmp-123")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an old temporary file was kept: %v", err)
	}
	for _, keep := range []string{"README", "ABCDEF0123456789ABCDEF0123456789ABCDEF01"} {
		if _, err := os.Stat(filepath.Join(e.Dir(), keep)); err != nil {
			t.Errorf("purge removed %s, which is not a session: %v", keep, err)
		}
	}
	if _, err := e.Purge(ctx, 0); err == nil {
		t.Error("Purge(0) would delete every session; want an error")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.Purge(cancelled, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Purge with a cancelled context: %v", err)
	}
}
