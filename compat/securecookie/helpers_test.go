package securecookie

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/internal/e2e"
)

// fixtureTime is when the cookie fixtures were made: the "-expires" ones
// expire an hour later and vector-expired a minute before.
var fixtureTime = time.Unix(1795943706, 0)

func fixturesDir(t testing.TB) string {
	t.Helper()
	return e2e.Shared(t, "fixtures", "cookie")
}

// fixture is one cookie fixture: the .txt's cookie and secret, and what
// the .json says about them.
type fixture struct {
	Name    string
	Cookie  string
	Secret  string
	Value   any
	Decodes bool // false for vector-expired and vector-tampered
	Inter   struct {
		SaltHex   string `json:"salt_hex"`
		SerealHex string `json:"sereal_hex"`
		KeyHex    string `json:"derived_key_hex"`
		IVHex     string `json:"iv_hex"`
	}
	Expires string
}

func (f fixture) hex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
	return b
}

func readFixtures(t testing.TB) []fixture {
	t.Helper()
	dir := fixturesDir(t)
	paths, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no cookie fixtures in %s (%v)", dir, err)
	}
	var out []fixture
	for _, p := range paths {
		f := fixture{Name: strings.TrimSuffix(filepath.Base(p), ".txt")}
		txt, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(txt))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			k, v, _ := strings.Cut(sc.Text(), "=")
			switch k {
			case "cookie":
				f.Cookie = v
			case "secret_key":
				f.Secret = v
			}
		}
		raw, err := os.ReadFile(strings.TrimSuffix(p, ".txt") + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var meta struct {
			Value        json.RawMessage
			Decodes      *bool `json:"decodes"`
			Intermediate json.RawMessage
			Fields       struct{ Expires string }
			ExpiresField *string `json:"expires_field"`
		}
		if err := json.Unmarshal(raw, &meta); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if f.Value, err = perl.UnmarshalJSON(meta.Value); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		f.Decodes = meta.Decodes == nil || *meta.Decodes
		if len(meta.Intermediate) > 0 {
			if err := json.Unmarshal(meta.Intermediate, &f.Inter); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
		}
		f.Expires = meta.Fields.Expires
		if meta.ExpiresField != nil {
			f.Expires = *meta.ExpiresField
		}
		if f.Cookie == "" || f.Secret == "" {
			t.Fatalf("%s: no cookie= or secret_key= line", p)
		}
		out = append(out, f)
	}
	return out
}

// fixedCodec returns a Codec whose clock is stopped at now and whose salts
// come from salts (nil: crypto/rand).
func fixedCodec(t testing.TB, now time.Time, salts []byte, secret string, old ...string) *Codec {
	t.Helper()
	c, err := New(secret, old...)
	if err != nil {
		t.Fatal(err)
	}
	c.now = func() time.Time { return now }
	if salts != nil {
		c.rand = bytes.NewReader(salts)
	}
	return c
}
