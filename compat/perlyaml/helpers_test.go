package perlyaml

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/internal/e2e"
)

var perlCheck = sync.OnceValue(func() error {
	out, err := exec.Command("perl", "-MYAML", "-MJSON::PP", "-e", `die "YAML $YAML::VERSION, want 1.30\n" unless $YAML::VERSION eq "1.30"`).CombinedOutput()
	if err != nil {
		return &perlError{err, out}
	}
	return nil
})

type perlError struct {
	err error
	out []byte
}

func (e *perlError) Error() string { return e.err.Error() + ": " + string(bytes.TrimSpace(e.out)) }

// needPerl skips (or in CI fails) the test without perl and YAML.pm 1.30.
func needPerl(t testing.TB) {
	t.Helper()
	e2e.Need(t, "perl with YAML.pm 1.30 and JSON::PP (Debian libyaml-perl)", perlCheck())
}

// fixtures returns the fixture files matching pattern under
// ../shared/fixtures (beside the repository root).
func fixtures(t testing.TB, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(e2e.Shared(t, "fixtures"), pattern))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures match %s (%v)", pattern, err)
	}
	return files
}

// fixtureValue reads the "value" of a fixture's .json.
func fixtureValue(t testing.TB, yml string) any {
	t.Helper()
	raw, err := os.ReadFile(yml[:len(yml)-len(".yml")] + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Value json.RawMessage }
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	v, err := perl.UnmarshalJSON(doc.Value)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// yamlPM runs testdata/yamlpm.pl in mode ("load" or "dump") on in, encoded
// as JSON, and decodes its JSON answer into out.
func yamlPM(t testing.TB, mode string, in, out any) {
	t.Helper()
	needPerl(t)
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("perl", filepath.Join("testdata", "yamlpm.pl"), mode)
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("yamlpm.pl %s: %v\n%s", mode, err, stderr.Bytes())
	}
	if err := json.Unmarshal(res, out); err != nil {
		t.Fatalf("yamlpm.pl %s answered %.200q: %v", mode, res, err)
	}
}

// perlView is v as Perl reads it back from YAML: numbers and booleans
// become the strings Perl prints for them.
func perlView(v any) any {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return perl.FormatNumber(x)
	case bool:
		if x {
			return "1"
		}
		return ""
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = perlView(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = perlView(e)
		}
		return out
	case *perl.Object:
		return &perl.Object{Class: x.Class, Value: perlView(x.Value)}
	case *perl.Ref:
		return &perl.Ref{Value: perlView(x.Value)}
	}
	return v
}

// diff describes the first difference between two values of the model.
func diff(got, want any) string {
	return diffAt("$", got, want)
}

func diffAt(path string, got, want any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: got %T, want a hash", path, got)
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return fmt.Sprintf("%s: key %q missing (got keys %q)", path, k, perl.SortedKeys(g))
			}
			if d := diffAt(fmt.Sprintf("%s{%q}", path, k), gv, wv); d != "" {
				return d
			}
		}
		if len(g) != len(w) {
			return fmt.Sprintf("%s: got keys %q, want %q", path, perl.SortedKeys(g), perl.SortedKeys(w))
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: got %#v, want %d entries", path, got, len(w))
		}
		for i := range w {
			if d := diffAt(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); d != "" {
				return d
			}
		}
	case *perl.Object:
		g, ok := got.(*perl.Object)
		if !ok || g.Class != w.Class {
			return fmt.Sprintf("%s: got %#v, want an object of class %s", path, got, w.Class)
		}
		return diffAt(path+"<"+w.Class+">", g.Value, w.Value)
	case *perl.Ref:
		g, ok := got.(*perl.Ref)
		if !ok {
			return fmt.Sprintf("%s: got %#v, want a reference", path, got)
		}
		return diffAt(path+"->$", g.Value, w.Value)
	default:
		if !perl.Equal(got, want) {
			return fmt.Sprintf("%s: got %#v, want %#v", path, got, want)
		}
	}
	return ""
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
