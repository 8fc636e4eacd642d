package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/engines"
	"github.com/dancergo/dancergo/internal/e2e"
)

// app is a Dancer application directory with a config.yml.
type app struct {
	t      *testing.T
	config string
	engine adapter.Engine
}

func newApp(t *testing.T, configYML string) *app {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(path, []byte(configYML), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := config.Load(path, "")
	if err != nil {
		t.Fatal(err)
	}
	e, err := engines.Open(s)
	if err != nil {
		t.Fatal(err)
	}
	return &app{t: t, config: path, engine: e}
}

// store saves a session with values and returns its id.
func (a *app) store(values map[string]any) string {
	a.t.Helper()
	id, err := a.engine.NewID()
	if err != nil {
		a.t.Fatal(err)
	}
	v := perl.Clone(values).(map[string]any)
	v["id"] = id
	if _, err := a.engine.Save(context.Background(), adapter.Record{ID: id, Values: v, Deadline: time.Now().Add(time.Hour)}, nil); err != nil {
		a.t.Fatal(err)
	}
	return id
}

// cli runs the command line and returns its output.
func (a *app) cli(args ...string) (string, string, error) {
	a.t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append([]string{"-config", a.config}, args...), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// sessionValues holds a value of every kind that survives every engine
// unchanged. (A float would not: Storable, like Perl, stores it as its
// decimal string.)
func sessionValues() map[string]any {
	return map[string]any{
		"user":   "alice",
		"n":      int64(42),
		"pi":     "3.25",
		"utf8":   "café ☺",
		"undef":  nil,
		"list":   []any{"x", int64(2), map[string]any{"k": "v"}},
		"object": &perl.Object{Class: "My::User", Value: map[string]any{"uid": int64(1001)}},
	}
}

func TestListShowDeletePurgeOnFiles(t *testing.T) {
	a := newApp(t, "session: Storable\nsession_dir: sessions\n")
	ids := []string{a.store(sessionValues()), a.store(map[string]any{"user": "bob"}), a.store(map[string]any{"user": "carol"})}

	out, _, err := a.cli("list")
	if err != nil {
		t.Fatal(err)
	}
	listed := strings.Fields(out)
	slices.Sort(listed)
	want := slices.Clone(ids)
	slices.Sort(want)
	if !slices.Equal(listed, want) {
		t.Fatalf("list = %v, want %v", listed, want)
	}

	out, _, err = a.cli("show", ids[0])
	if err != nil {
		t.Fatal(err)
	}
	shown, err := perl.UnmarshalJSON([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	wantShown := sessionValues()
	wantShown["id"] = ids[0]
	if !perl.Equal(shown, wantShown) {
		t.Fatalf("show = %s", out)
	}

	if out, _, err = a.cli("delete", ids[1]); err != nil || !strings.Contains(out, "deleted "+ids[1]) {
		t.Fatalf("delete: %q, %v", out, err)
	}
	if _, _, err := a.cli("show", ids[1]); err == nil || !strings.Contains(err.Error(), "no session") {
		t.Fatalf("show after delete: %v", err)
	}

	// Age one session's file: purge removes it and only it.
	old := time.Now().Add(-48 * time.Hour)
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(a.config), "sessions", "*"+ids[2]+"*"))
	if len(matches) != 1 {
		t.Fatalf("session file of %s: %v", ids[2], matches)
	}
	if err := os.Chtimes(matches[0], old, old); err != nil {
		t.Fatal(err)
	}
	if out, _, err = a.cli("purge", "-older-than", "24h"); err != nil || !strings.Contains(out, "purged 1 ") {
		t.Fatalf("purge: %q, %v", out, err)
	}
	if out, _, _ = a.cli("list"); strings.TrimSpace(out) != ids[0] {
		t.Fatalf("after purge, list = %q", out)
	}
}

func TestCopyKeepsIDsAndValues(t *testing.T) {
	mc := e2e.StartMemcached(t)
	src := newApp(t, "session: Storable\nsession_dir: sessions\n")
	dst := newApp(t, "session: Memcached\nmemcached_servers: "+mc.Addr+"\n")
	want := map[string]map[string]any{}
	for i := range 25 {
		v := sessionValues()
		v["n"] = int64(i)
		id := src.store(v)
		v["id"] = id
		want[id] = v
	}
	out, _, err := src.cli("copy", "-to", dst.config)
	if err != nil || !strings.Contains(out, "copied 25 sessions from Storable to Memcached (0 skipped)") {
		t.Fatalf("copy: %q, %v", out, err)
	}
	for id, v := range want {
		rec, found, err := dst.engine.Load(context.Background(), id)
		if err != nil || !found || !perl.Equal(rec.Values, v) {
			t.Fatalf("session %s in memcached: %#v, %v, %v", id, rec.Values, found, err)
		}
	}
	// Nothing left the source.
	if out, _, _ := src.cli("list"); len(strings.Fields(out)) != 25 {
		t.Fatalf("source lost sessions: %q", out)
	}
}

func TestErrors(t *testing.T) {
	mc := e2e.StartMemcached(t)
	files := newApp(t, "session: Storable\nsession_dir: sessions\n")
	memcache := newApp(t, "session: Memcached\nmemcached_servers: "+mc.Addr+"\n")
	tests := []struct {
		name string
		a    *app
		args []string
		want string
	}{
		{"no command", files, nil, "usage"},
		{"unknown command", files, []string{"frobnicate"}, "unknown command"},
		{"show without id", files, []string{"show"}, "usage"},
		{"hostile id", files, []string{"show", "../../etc/passwd"}, "not a session id"},
		{"unknown id", files, []string{"show", "123456789"}, "no session 123456789"},
		{"memcached cannot list", memcache, []string{"list"}, "cannot list"},
		{"memcached cannot be purged", memcache, []string{"purge"}, "nothing to purge"},
		{"copy without target", files, []string{"copy"}, "usage"},
		{"copy to a missing config", files, []string{"copy", "-to", "/nonexistent/config.yml"}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := tt.a.cli(tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one saying %q", err, tt.want)
			}
		})
	}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-config", "/nonexistent/config.yml", "list"}, &stdout, &stderr)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing config: %v", err)
	}
}

// TestCopyYAMLToRedis moves a Perl app's YAML session files into Redis,
// keeping ids, and reads every session back unchanged through the Redis
// engine and through list/show.
func TestCopyYAMLToRedis(t *testing.T) {
	rd := e2e.StartRedis(t)
	src := newApp(t, "session: YAML\nsession_dir: sessions\n")
	dst := newApp(t, "session: Redis\nredis_server: "+rd.Addr+"\nredis_timeout: 5s\n")
	want := map[string]map[string]any{}
	for i := range 30 {
		// YAML keeps every scalar a string.
		v := map[string]any{
			"user":   fmt.Sprintf("user%d", i),
			"utf8":   "café ☺ 日本",
			"multi":  "line one\nline two\n",
			"undef":  nil,
			"list":   []any{"x", "2", map[string]any{"k": "v"}},
			"object": &perl.Object{Class: "My::User", Value: map[string]any{"uid": "1001"}},
		}
		id := src.store(v)
		v["id"] = id
		want[id] = v
	}
	out, _, err := src.cli("copy", "-to", dst.config)
	if err != nil || !strings.Contains(out, "copied 30 sessions from YAML to Redis (0 skipped)") {
		t.Fatalf("copy: %q, %v", out, err)
	}
	for id, v := range want {
		rec, found, err := dst.engine.Load(context.Background(), id)
		if err != nil || !found || !perl.Equal(rec.Values, v) {
			t.Fatalf("session %s in Redis: %#v, %v, %v", id, rec.Values, found, err)
		}
	}
	out, _, err = dst.cli("list")
	if err != nil || len(strings.Fields(out)) != 30 {
		t.Fatalf("list on Redis: %q, %v", out, err)
	}
	for id, v := range want {
		out, _, err := dst.cli("show", id)
		if err != nil {
			t.Fatal(err)
		}
		shown, err := perl.UnmarshalJSON([]byte(out))
		if err != nil || !perl.Equal(shown, v) {
			t.Fatalf("show %s on Redis = %s (%v)", id, out, err)
		}
		break
	}
}
