package storable

import (
	"context"
	"math"
	"os/exec"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/internal/e2e"
	"github.com/dancergo/dancergo/internal/enginetest"
)

// Dancer::Session::Storable is not packaged in Debian, so these tests use
// the two Storable calls it is made of: its flush is
// Storable::nstore($session, $file) and its retrieve
// Storable::retrieve($file).

// perlRetrieve has Perl's Storable::retrieve read session files and returns
// each as the JSON form of the value model.
func perlRetrieve(t *testing.T, paths ...string) []any {
	t.Helper()
	e2e.NeedPerlModules(t, "Storable", "JSON::PP")
	cmd := exec.Command("perl", "testdata/retrieve.pl")
	cmd.Stdin = strings.NewReader(strings.Join(paths, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("retrieve.pl: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(paths) {
		t.Fatalf("retrieve.pl printed %d lines for %d files", len(lines), len(paths))
	}
	vals := make([]any, len(lines))
	for i, line := range lines {
		if vals[i], err = perl.UnmarshalJSON([]byte(line)); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	return vals
}

// TestPerlWritesGoReads: a session file written by Perl's nstore (values of
// every kind) is read by the engine as Perl reads it; after the engine
// merges a key into it, Perl reads every one of its values unchanged.
func TestPerlWritesGoReads(t *testing.T) {
	e2e.NeedPerlModules(t, "Storable", "JSON::PP")
	e := newEngine(t)
	const id = "314159265358979323846264338327950288"
	out, err := exec.Command("perl", "testdata/nstore.pl", e.dir, "dancer.session", id).Output()
	if err != nil {
		t.Fatalf("nstore.pl: %v", err)
	}
	written, err := perl.UnmarshalJSON(out)
	if err != nil {
		t.Fatal(err)
	}
	perlValues := written.(*perl.Object).Value.(map[string]any)

	ctx := context.Background()
	rec, found, err := e.Load(ctx, id)
	if err != nil || !found {
		t.Fatalf("Load = %v, %v", found, err)
	}
	if !perl.Equal(rec.Values, perlValues) {
		t.Errorf("Go reads\n %v\nPerl wrote\n %v", rec.Values, perlValues)
	}

	rec.Values["go_key"] = "from go"
	if _, err := e.Save(ctx, rec, []string{"go_key"}); err != nil {
		t.Fatal(err)
	}
	p, _ := e.Path(id)
	got := perlRetrieve(t, p)[0].(*perl.Object)
	if got.Class != Class {
		t.Errorf("Perl retrieves a %s", got.Class)
	}
	after := got.Value.(map[string]any)
	if after["go_key"] != "from go" {
		t.Errorf("Perl does not see Go's key: %v", after["go_key"])
	}
	delete(after, "go_key")
	if !perl.Equal(after, perlValues) {
		t.Errorf("after a Go write Perl retrieves\n %v\nbefore\n %v", after, perlValues)
	}
}

// TestGoWritesPerlReads: sessions the engine writes are read by Perl's
// retrieve as the same values.
func TestGoWritesPerlReads(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	values := map[string]any{
		"user":    "alice",
		"latin1":  "café",
		"wide":    "café ☺ 日本",
		"int":     int64(42),
		"neg":     int64(-70000),
		"big":     int64(math.MaxInt64),
		"float":   2.5,
		"yes":     true,
		"undef":   nil,
		"nested":  map[string]any{"list": []any{int64(1), []any{"x"}}, "h": map[string]any{}},
		"object":  &perl.Object{Class: "My::User", Value: map[string]any{"name": "bob", "roles": []any{"dev"}}},
		"objects": []any{&perl.Object{Class: "My::User", Value: map[string]any{}}, &perl.Object{Class: "My::User", Value: map[string]any{}}},
		"ref":     &perl.Ref{Value: "r"},
	}
	// What Perl holds after retrieve: the numbers network order keeps as
	// strings are strings.
	want := map[string]any{}
	for k, v := range values {
		want[k] = v
	}
	want["big"] = "9223372036854775807"
	want["float"] = "2.5"

	var paths []string
	for range 5 {
		id, err := e.NewID()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Save(ctx, enginetest.Record(id, values), nil); err != nil {
			t.Fatal(err)
		}
		p, _ := e.Path(id)
		paths = append(paths, p)
	}
	for i, v := range perlRetrieve(t, paths...) {
		obj, ok := v.(*perl.Object)
		if !ok || obj.Class != Class {
			t.Fatalf("Perl retrieves %v", v)
		}
		got := obj.Value.(map[string]any)
		id, _ := got["id"].(string)
		if !strings.HasSuffix(paths[i], "_"+id+".stor") {
			t.Errorf("file %s holds id %q", paths[i], id)
		}
		delete(got, "id")
		if !perl.Equal(got, want) {
			t.Errorf("Perl retrieves\n %v\nwant\n %v", got, want)
		}
	}
}
