package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestTable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "routes.txt")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		// A new mtime even on a coarse clock.
		future := time.Now().Add(time.Duration(len(s)) * time.Second)
		if err := os.Chtimes(path, future, future); err != nil {
			t.Fatal(err)
		}
	}
	write("# Go owns these\n/home go\n/api/ go\n/api/legacy perl\n")
	tb := &table{path: path}
	tests := map[string]string{
		"/home":         "go",
		"/home/":        "go",
		"/homework":     "perl",
		"/api/users":    "go",
		"/api/legacy/x": "perl",
		"/login":        "perl",
		"/":             "perl",
	}
	for path, want := range tests {
		if got, err := tb.target(path); err != nil || got != want {
			t.Errorf("target(%q) = %q, %v; want %q", path, got, err, want)
		}
	}
	write("/home go\n/login go\n")
	if got, _ := tb.target("/login"); got != "go" {
		t.Fatalf("edited table not re-read: /login -> %s", got)
	}
	write("/home gopher\n")
	if _, err := tb.target("/home"); err == nil {
		t.Fatal("a malformed table was accepted")
	}
}
