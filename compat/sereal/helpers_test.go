package sereal

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/internal/e2e"
)

// fixturesDir is ../shared/fixtures/cookie relative to the repository root.
func fixturesDir(t testing.TB) string {
	t.Helper()
	return e2e.Shared(t, "fixtures", "cookie")
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
