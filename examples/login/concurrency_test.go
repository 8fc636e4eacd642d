package main

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/dancergo/dancergo/internal/e2e"
)

// TestConcurrentWritesLoseNothing sends 60 overlapping requests of one user,
// each setting its own key, through POST /session, on every engine that
// keeps sessions on a server or a disk: every key must be there afterwards.
// (The Cookie engine cannot merge — each response carries the whole
// session — see engines/cookie/concurrent_test.go.)
func TestConcurrentWritesLoseNothing(t *testing.T) {
	engines := []struct {
		name   string
		config func(t *testing.T, dir string) string // config.yml; "" runs without -config
	}{
		{"Simple", func(*testing.T, string) string { return "" }},
		{"YAML", func(*testing.T, string) string { return "session: YAML\nsession_dir: sessions\n" }},
		{"YAML-dancer2", func(*testing.T, string) string {
			return "session: YAML\nsession_dir: sessions\nsession_yaml_flavour: dancer2\n"
		}},
		{"Storable", func(*testing.T, string) string { return "session: Storable\nsession_dir: sessions\n" }},
		{"PSGI", func(t *testing.T, dir string) string {
			if err := os.Mkdir(filepath.Join(dir, "plack"), 0o700); err != nil {
				t.Fatal(err)
			}
			return "session: PSGI\npsgi_session_dir: plack\n"
		}},
		{"Memcached", func(t *testing.T, _ string) string {
			return "session: Memcached\nmemcached_timeout: 5s\nmemcached_servers: " + e2e.StartMemcached(t).Addr + "\n"
		}},
		{"Redis", func(t *testing.T, _ string) string {
			return "session: Redis\nredis_timeout: 20s\nredis_server: " + e2e.StartRedis(t).Addr + "\n"
		}},
	}
	for _, tc := range engines {
		t.Run(tc.name, func(t *testing.T) {
			var flags []string
			dir := t.TempDir()
			if cfg := tc.config(t, dir); cfg != "" {
				path := filepath.Join(dir, "config.yml")
				if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
					t.Fatal(err)
				}
				flags = append(flags, "-config", path)
			}
			app := e2e.StartLogin(t, flags...)
			c := e2e.Client(t)
			e2e.Send(t, c, "POST", app.URL+"/login", url.Values{"user": {"alice"}})
			if missing := e2e.ConcurrentSet(t, c, app.URL, 60); len(missing) > 0 {
				t.Fatalf("%d of 60 concurrent writes lost: %v", len(missing), missing)
			}
		})
	}
}
