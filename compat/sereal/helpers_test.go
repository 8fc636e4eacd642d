package sereal

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/dancergo/dancergo/compat/perl"
)

// requirePerl skips the test when perl or one of the modules is missing, or
// fails it when running in CI (CI=true), where they must be installed.
func requirePerl(t *testing.T, modules ...string) {
	t.Helper()
	why := ""
	if _, err := exec.LookPath("perl"); err != nil {
		why = "perl is not installed"
	} else {
		for _, m := range modules {
			if err := exec.Command("perl", "-M"+m, "-e", "1").Run(); err != nil {
				why = "Perl module " + m + " is not installed (Debian: libsereal-encoder-perl, libsereal-decoder-perl, libjson-pp-perl)"
				break
			}
		}
	}
	if why == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal(why)
	}
	t.Skip(why)
}

// fixturesDir is ../shared/fixtures/cookie relative to the repository root.
func fixturesDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
	return filepath.Join(dir, "..", "shared", "fixtures", "cookie")
}

// cookieFixture is the part of a cookie fixture's .json these tests use.
type cookieFixture struct {
	Name         string
	Value        any
	Intermediate struct {
		SerealHex string `json:"sereal_hex"`
	}
}

// sereal returns the fixture's decrypted Sereal document.
func (f cookieFixture) sereal(t testing.TB) []byte {
	t.Helper()
	b, err := hex.DecodeString(f.Intermediate.SerealHex)
	if err != nil {
		t.Fatalf("%s: sereal_hex: %v", f.Name, err)
	}
	return b
}

// cookieFixtures reads every cookie fixture that carries a Sereal document.
func cookieFixtures(t testing.TB) []cookieFixture {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(fixturesDir(t), "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no cookie fixtures found (%v)", err)
	}
	var out []cookieFixture
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var f cookieFixture
		var v struct {
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if f.Intermediate.SerealHex == "" {
			continue
		}
		f.Name = filepath.Base(p)
		if f.Value, err = perl.UnmarshalJSON(v.Value); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out = append(out, f)
	}
	return out
}
