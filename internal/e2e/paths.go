package e2e

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot returns the directory holding dancergo's go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("e2e: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Shared returns the path of a file or folder under ../shared, the reference
// material (fixtures, spec) that sits beside the repository; it fails or
// skips when that folder is missing.
func Shared(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{RepoRoot(t), "..", "shared"}, elem...)...)
	_, err := os.Stat(p)
	if errors.Is(err, os.ErrNotExist) {
		Need(t, "the shared fixtures beside the repository (../shared)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}
