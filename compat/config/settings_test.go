package config

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	s := Default()
	if s.Engine != "Simple" || s.Name != "dancer.session" || !s.HTTPOnly || s.Secure ||
		s.SameSite != http.SameSiteLaxMode || s.Expires != 0 || s.Domain != "" || s.MaxSize != DefaultMaxSize {
		t.Fatalf("defaults = %+v", s)
	}
	if filepath.Base(s.Dir) != "sessions" || !filepath.IsAbs(s.Dir) {
		t.Fatalf("Dir = %q, want an absolute <appdir>/sessions", s.Dir)
	}
}

func TestSessionSettings(t *testing.T) {
	s, err := FromMap(map[string]any{
		"session":              "YAML",
		"session_name":         "my_sess",
		"session_domain":       ".example.com",
		"session_secure":       1,
		"session_is_http_only": 0,
		"session_same_site":    "strict",
		"session_expires":      "2 hours",
		"session_dir":          "/var/sessions",
		"session_max_size":     4096,
	}, "/app")
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{
		Engine: "YAML", Name: "my_sess", Domain: ".example.com", Secure: true, HTTPOnly: false,
		SameSite: http.SameSiteStrictMode, Expires: 2 * time.Hour, Dir: "/var/sessions", AppDir: "/app",
		MaxSize: 4096,
	}
	s.raw = nil
	if !reflect.DeepEqual(*s, want) {
		t.Fatalf("got  %+v\nwant %+v", *s, want)
	}
}

func TestSameSite(t *testing.T) {
	for in, want := range map[string]http.SameSite{
		"Lax": http.SameSiteLaxMode, "NONE": http.SameSiteNoneMode, "Strict": http.SameSiteStrictMode,
	} {
		s, err := FromMap(map[string]any{"session_same_site": in}, ".")
		if err != nil || s.SameSite != want {
			t.Errorf("session_same_site %q = %v, %v; want %v", in, s.SameSite, err, want)
		}
	}
}

func TestBadValuesNameTheKey(t *testing.T) {
	tests := []struct {
		key string
		val any
	}{
		{"session_expires", "tomorrow"},
		{"session_expires", "-1h"},
		{"session_expires", []any{"1"}},
		{"session_secure", "maybe"},
		{"session_is_http_only", 2.5},
		{"session_same_site", "sometimes"},
		{"session_name", "bad name;"},
		{"session_name", map[string]any{"a": "b"}},
		{"session_dir", []any{"a"}},
		{"session_max_size", -1},
		{"session_max_size", "lots"},
	}
	for _, tt := range tests {
		_, err := FromMap(map[string]any{tt.key: tt.val}, ".")
		var ce *Error
		if !errors.As(err, &ce) || ce.Key != tt.key {
			t.Errorf("%s: %#v: err = %v, want a config.Error naming the key", tt.key, tt.val, err)
		}
	}
}

func TestGetters(t *testing.T) {
	s, err := FromMap(map[string]any{
		"memcached_servers": "10.0.0.1:11211, /tmp/mc.sock ,",
		"servers_list":      []any{"a:1", "b:2"},
		"pool":              "7",
		"flag":              "off",
		"n":                 3,
	}, ".")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.List("memcached_servers"); !reflect.DeepEqual(got, []string{"10.0.0.1:11211", "/tmp/mc.sock"}) {
		t.Errorf("List(comma) = %q", got)
	}
	if got, _ := s.List("servers_list"); !reflect.DeepEqual(got, []string{"a:1", "b:2"}) {
		t.Errorf("List(seq) = %q", got)
	}
	if got, _ := s.List("absent"); got != nil {
		t.Errorf("List(absent) = %q", got)
	}
	if got, err := s.Int("pool", 1); got != 7 || err != nil {
		t.Errorf("Int = %d, %v", got, err)
	}
	if got, err := s.Bool("flag", true); got || err != nil {
		t.Errorf("Bool = %v, %v", got, err)
	}
	if got, err := s.String("n", ""); got != "3" || err != nil {
		t.Errorf("String(int) = %q, %v", got, err)
	}
	if _, err := s.Int("flag", 0); err == nil {
		t.Error("Int(\"off\") succeeded")
	}
}

func TestLoadWithEnvironmentOverlay(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "config.yml"), `
session: "YAML"
session_expires: 3600
session_dir: "sess"
redis:
  server: "127.0.0.1:6379"
  database: 0
`)
	write(t, filepath.Join(dir, "environments", "production.yml"), `
session_secure: 1
session_expires: "1:30"
redis:
  database: 3
`)
	dev, err := Load(filepath.Join(dir, "config.yml"), "development")
	if err != nil {
		t.Fatal(err)
	}
	if dev.Engine != "YAML" || dev.Expires != time.Hour || dev.Secure || dev.Dir != filepath.Join(dir, "sess") {
		t.Fatalf("development: %+v", dev)
	}
	prod, err := Load(filepath.Join(dir, "config.yml"), "production")
	if err != nil {
		t.Fatal(err)
	}
	if !prod.Secure || prod.Expires != 90*time.Minute || prod.Environment != "production" {
		t.Fatalf("production: %+v", prod)
	}
	redis, _ := prod.Lookup("redis")
	if want := map[string]any{"server": "127.0.0.1:6379", "database": 3}; !reflect.DeepEqual(redis, want) {
		t.Fatalf("merged redis = %#v, want %#v", redis, want)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(filepath.Join(dir, "missing.yml"), ""); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	write(t, filepath.Join(dir, "config.yml"), "session: [unclosed\n")
	if _, err := Load(filepath.Join(dir, "config.yml"), ""); err == nil {
		t.Error("broken YAML loaded")
	}
	write(t, filepath.Join(dir, "config.yml"), "session_expires: soon\n")
	var ce *Error
	if _, err := Load(filepath.Join(dir, "config.yml"), ""); !errors.As(err, &ce) || ce.Key != "session_expires" {
		t.Errorf("bad value: %v", err)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
