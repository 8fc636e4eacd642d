package main

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/dancergo/dancergo/internal/e2e"
)

// TestConcurrentWritesLoseNothing sends 60 overlapping requests of one user,
// each setting its own key, through POST /session on every engine that has
// a server or a disk here: every key must be there afterwards.
func TestConcurrentWritesLoseNothing(t *testing.T) {
	engines := []struct {
		name   string
		config string // config.yml; "" runs without -config (Simple)
	}{
		{name: "Simple"},
	}
	for _, tc := range engines {
		t.Run(tc.name, func(t *testing.T) {
			var flags []string
			if tc.config != "" {
				dir := t.TempDir()
				cfg := filepath.Join(dir, "config.yml")
				if err := os.WriteFile(cfg, []byte(tc.config), 0o644); err != nil {
					t.Fatal(err)
				}
				flags = append(flags, "-config", cfg)
			}
			app := e2e.StartLogin(t, flags...)
			c := e2e.Client(t)
			do(t, c, "POST", app.URL+"/login", url.Values{"user": {"alice"}})
			if missing := e2e.ConcurrentSet(t, c, app.URL, 60); len(missing) > 0 {
				t.Fatalf("%d of 60 concurrent writes lost: %v", len(missing), missing)
			}
		})
	}
}
