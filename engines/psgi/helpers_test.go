package psgi_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/engines/psgi"
	"github.com/dancergo/dancergo/internal/e2e"
)

// needPerl fails (CI=true) or skips the test unless perl and the Plack
// modules the interop tests run are installed.
func needPerl(t testing.TB) {
	t.Helper()
	e2e.NeedPerlModules(t, "Plack::Middleware::Session", "Plack::Session::Store::File", "JSON::PP", "Storable")
	e2e.NeedCommand(t, "plackup")
}

// newEngine returns an engine on a fresh directory.
func newEngine(t testing.TB) *psgi.Engine {
	t.Helper()
	e, err := psgi.New(psgi.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// plackFixture is a session file written by the real Plack, with the value
// Perl read back from it.
type plackFixture struct {
	id    string
	path  string
	value map[string]any
}

// plackFixtures returns the Plack::Session::Store::File fixtures in
// ../shared/fixtures/plack.
func plackFixtures(t testing.TB) []plackFixture {
	t.Helper()
	dir := e2e.Shared(t, "fixtures", "plack")
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no Plack fixtures in %s (%v)", dir, err)
	}
	var out []plackFixture
	for _, name := range names {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		v, err := perl.UnmarshalJSON(doc.Value)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: value is %T, not a hash", name, v)
		}
		id := strings.TrimSuffix(filepath.Base(name), ".json")
		out = append(out, plackFixture{id: id, path: strings.TrimSuffix(name, ".json"), value: m})
	}
	return out
}

// copyFile copies a file into dir under name.
func copyFile(t testing.TB, from, dir, name string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// mustLoad loads a session that must be there.
func mustLoad(t testing.TB, e *psgi.Engine, id string) adapter.Record {
	t.Helper()
	rec, found, err := e.Load(context.Background(), id)
	if err != nil || !found {
		t.Fatalf("Load(%s) = found %v, %v", id, found, err)
	}
	return rec
}

// mustSave saves a session, failing the test on an error.
func mustSave(t testing.TB, e *psgi.Engine, rec adapter.Record, changed []string) {
	t.Helper()
	token, err := e.Save(context.Background(), rec, changed)
	if err != nil {
		t.Fatalf("Save(%s): %v", rec.ID, err)
	}
	if token != rec.ID {
		t.Fatalf("Save(%s) returned token %q", rec.ID, token)
	}
}

// dirNames returns the names in dir.
func dirNames(t testing.TB, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		out = append(out, de.Name())
	}
	return out
}
