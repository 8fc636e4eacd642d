package storable

import (
	"bufio"
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/internal/e2e"
)

// requirePerl skips the test when perl with Storable and JSON::PP is not
// installed, or fails it under CI (CI=true), where it must be.
func requirePerl(t testing.TB) {
	t.Helper()
	e2e.NeedPerlModules(t, "Storable", "JSON::PP", "Hash::Util")
}

// runPerl runs a script from testdata with stdin and returns its output
// lines.
func runPerl(t testing.TB, script string, stdin []byte) []string {
	t.Helper()
	cmd := exec.Command("perl", filepath.Join("testdata", script))
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("perl %s: %v\n%s", script, err, stderr.String())
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// fixture is one artefact written by Perl, with the value its .json holds.
type fixture struct {
	name   string
	data   []byte
	file   bool   // a pst0 file (store/nstore), not a frozen string
	hex    string // Perl's bytes as the .json gives them, if it does
	value  any
	native bool // written by freeze, not nfreeze
}

var plackID = regexp.MustCompile(`^[0-9a-f]{40}$`)

// loadFixtures reads every Storable artefact of ../shared/fixtures: the
// frozen strings storable/*.bin, the files storable/*.stor and the Plack
// session files plack/<40 hex>.
func loadFixtures(t testing.TB) []fixture {
	t.Helper()
	root := e2e.Shared(t, "fixtures")
	var paths []string
	for _, pattern := range []string{"storable/*.bin", "storable/*.stor", "plack/*"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m {
			if strings.HasPrefix(pattern, "plack") && !plackID.MatchString(filepath.Base(p)) {
				continue
			}
			paths = append(paths, p)
		}
	}
	if len(paths) < 40 {
		t.Fatalf("found %d Storable fixtures under %s, want the shared set (40+)", len(paths), root)
	}
	var out []fixture
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		js, err := os.ReadFile(strings.TrimSuffix(strings.TrimSuffix(p, ".bin"), ".stor") + ".json")
		if err != nil {
			t.Fatal(err)
		}
		meta, err := perl.UnmarshalJSON(js)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		m := meta.(map[string]any)
		f := fixture{
			name:  strings.TrimPrefix(p, root+string(filepath.Separator)),
			data:  data,
			file:  !strings.HasSuffix(p, ".bin"),
			value: m["value"],
		}
		f.hex, _ = m["hex"].(string)
		f.native = len(data) > 0 && data[0] == 0x04
		out = append(out, f)
	}
	return out
}

// netForm is what v becomes once written by Marshal and read back: the
// numbers Storable keeps as strings in network order turn into those
// strings, integral floats in the 32-bit range into integers, and invalid
// UTF-8 into U+FFFD.
func netForm(v any) any {
	switch x := v.(type) {
	case int64:
		if x < math.MinInt32 || x > math.MaxInt32 {
			return strconv.FormatInt(x, 10)
		}
	case float64:
		if x == math.Trunc(x) && x >= math.MinInt32 && x <= math.MaxInt32 {
			return int64(x)
		}
		return FormatNumber(x)
	case string:
		return strings.ToValidUTF8(x, "\uFFFD")
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[strings.ToValidUTF8(k, "\uFFFD")] = netForm(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = netForm(e)
		}
		return out
	case *perl.Object:
		return &perl.Object{Class: x.Class, Value: netForm(x.Value)}
	case *perl.Ref:
		return &perl.Ref{Value: netForm(x.Value)}
	}
	return v
}

// sameValue is perl.Equal, except that floats are equal when they agree to
// the 15 digits with which Perl (and so JSON::PP) prints them.
func sameValue(a, b any) bool {
	return perl.EqualFunc(a, b, func(x, y any) bool {
		f, ok1 := x.(float64)
		g, ok2 := y.(float64)
		if ok1 && ok2 {
			return f == g || strconv.FormatFloat(f, 'g', 15, 64) == strconv.FormatFloat(g, 'g', 15, 64)
		}
		return perl.Equal(x, y)
	})
}

// show renders a value for failure messages.
func show(v any) string {
	b, err := perl.MarshalJSON(v)
	if err != nil {
		return err.Error()
	}
	if len(b) > 2000 {
		return string(b[:2000]) + "..."
	}
	return string(b)
}
