package yaml_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/dancergo/dancergo/engines/yaml"
)

func TestPurge(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-48 * time.Hour)
	files := []struct {
		name   string
		old    bool
		purged bool
	}{
		{"28916622899025625182265681350777896.yml", true, true},        // Dancer 1, old
		{"1234567890123456789012345678901234567890.yml", false, false}, // Dancer 1, fresh
		{"awvtGwAAQHzy6XW1kIlymzIIfUGa-itu.yml", true, true},           // Dancer2, old
		{"awvtGwAAQHzy6XW1kIlymzIIfUGa-itX.yml", false, false},         // Dancer2, fresh
		{".dancergo-123.tmp", true, true},                              // a crashed Go write
		{".dancergo-456.tmp", false, false},                            // a write going on
		{"config.yml", true, false},                                    // not a session
		{"environment.yml", true, false},                               // not a session
		{"123.yml.bak", true, false},                                   // not a session
		{"tmpAbCdEfGhI", true, false},                                  // Perl's temporary file: not ours
		{"awvtGwAAQHzy6XW1kIlymzIIfUGa-it.yml", true, false},           // 31 characters with letters
	}
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, []byte("---\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if f.old {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Old things that are not regular files stay.
	os.Mkdir(filepath.Join(dir, "99.yml"), 0o700)
	os.Chtimes(filepath.Join(dir, "99.yml"), old, old)
	target := filepath.Join(t.TempDir(), "elsewhere")
	os.WriteFile(target, []byte("keep"), 0o600)
	os.Chtimes(target, old, old)
	os.Symlink(target, filepath.Join(dir, "98.yml"))

	n, err := yaml.Purge(ctx, dir, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var wantN int
	for _, f := range files {
		_, err := os.Stat(filepath.Join(dir, f.name))
		if gone := os.IsNotExist(err); gone != f.purged {
			t.Errorf("%s: purged = %v, want %v", f.name, gone, f.purged)
		}
		if f.purged {
			wantN++
		}
	}
	if n != wantN {
		t.Errorf("Purge = %d, want %d", n, wantN)
	}
	for _, p := range []string{filepath.Join(dir, "99.yml"), filepath.Join(dir, "98.yml"), target} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if _, err := yaml.Purge(ctx, dir, 0); err == nil {
		t.Error("Purge with no age succeeded")
	}
	if _, err := yaml.Purge(ctx, filepath.Join(dir, "missing"), time.Hour); err == nil {
		t.Error("Purge of a missing directory succeeded")
	}
}

// TestEnginePurge: the engine's Purger deletes what it wrote long ago and
// keeps what it wrote now.
func TestEnginePurge(t *testing.T) {
	e := newEngine(t, yaml.Options{})
	oldID, _ := e.NewID()
	newID, _ := e.NewID()
	save(t, e, oldID, map[string]any{"k": "v"})
	save(t, e, newID, map[string]any{"k": "v"})
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(filepath.Join(e.Dir(), oldID+".yml"), old, old)
	n, err := e.Purge(ctx, time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("Purge = %d, %v", n, err)
	}
	var ids []string
	for id, err := range e.IDs(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if !slices.Equal(ids, []string{newID}) {
		t.Fatalf("left %q, want %q", ids, newID)
	}
}
