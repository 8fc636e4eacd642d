package securecookie

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/internal/e2e"
)

const perlSecret = "a secret shared with Perl, 0123456789"

// TestPerlDecodesEncode has Perl's Session::Storage::Secure (with Dancer's
// options) decode cookies made by Encode, small and Snappy-compressed, with
// and without an expiry.
func TestPerlDecodesEncode(t *testing.T) {
	e2e.NeedPerlModules(t, "Session::Storage::Secure", "JSON::PP")
	c, err := New(perlSecret)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		value   map[string]any
		expires time.Time
	}{
		{"simple", map[string]any{"id": "1", "user": "bob", "count": int64(3)}, time.Time{}},
		{"expires", map[string]any{"id": "2", "user": "carol"}, time.Now().Add(time.Hour)},
		{"kinds", map[string]any{"id": "3", "utf8": "café ☺", "latin1": "caf\u00e9", "undef": nil, "neg": int64(-1000),
			"user": &perl.Object{Class: "My::User", Value: map[string]any{"name": "alice"}}}, time.Time{}},
		{"compressed", map[string]any{"id": "4", "big": strings.Repeat("item,", 500)}, time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cookie, err := c.Encode(tc.value, tc.expires)
			if err != nil {
				t.Fatal(err)
			}
			got := perlDecode(t, cookie, perlSecret)
			if got == nil {
				t.Fatalf("Perl rejected %s", cookie)
			}
			if !perl.Equal(got, map[string]any(tc.value)) {
				t.Errorf("Perl read %#v\nwant %#v", got, tc.value)
			}
		})
	}
	t.Run("wrong secret", func(t *testing.T) {
		cookie, _ := c.Encode(map[string]any{"id": "1"}, time.Time{})
		if got := perlDecode(t, cookie, "another secret"); got != nil {
			t.Fatalf("Perl accepted a cookie made with another secret: %#v", got)
		}
	})
	t.Run("expired", func(t *testing.T) {
		cookie, _ := c.Encode(map[string]any{"id": "1"}, time.Now().Add(-time.Minute))
		if got := perlDecode(t, cookie, perlSecret); got != nil {
			t.Fatalf("Perl accepted an expired cookie: %#v", got)
		}
	})
}

func perlDecode(t *testing.T, cookie, secret string) any {
	t.Helper()
	cmd := exec.Command("perl", "testdata/secure.pl", "decode", secret)
	cmd.Stdin = strings.NewReader(cookie)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("testdata/secure.pl: %v\n%s", err, stderr.String())
	}
	var res struct {
		Value json.RawMessage
		Undef bool
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	if res.Undef {
		return nil
	}
	v, err := perl.UnmarshalJSON(res.Value)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestDecodePerlEncode decodes cookies that Perl makes now, with random
// salts: small, with every kind of value, and Snappy-compressed.
func TestDecodePerlEncode(t *testing.T) {
	e2e.NeedPerlModules(t, "Session::Storage::Secure", "JSON::PP")
	out, err := exec.Command("perl", "testdata/secure.pl", "encode", perlSecret).Output()
	if err != nil {
		t.Fatalf("testdata/secure.pl: %v", err)
	}
	c, err := New("a newer secret", perlSecret) // also proves rotation
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var rec struct {
			Name, Cookie string
			Value        json.RawMessage
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		n++
		t.Run(rec.Name, func(t *testing.T) {
			want, err := perl.UnmarshalJSON(rec.Value)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := c.Decode(rec.Cookie)
			if err != nil {
				t.Fatal(err)
			}
			if !perl.Equal(got, want) {
				t.Errorf("got  %#v\nwant %#v", got, want)
			}
		})
	}
	if n != 3 {
		t.Fatalf("testdata/secure.pl encode gave %d cookies, want 3", n)
	}
}
