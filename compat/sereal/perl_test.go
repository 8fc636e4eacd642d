package sereal

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/internal/e2e"
)

// TestUnmarshalPerlDocuments decodes documents written by Perl's
// Sereal::Encoder in protocols 1 to 5, raw, Snappy and zlib, with shared
// references, objects, repeated strings and every kind of scalar.
func TestUnmarshalPerlDocuments(t *testing.T) {
	e2e.NeedPerlModules(t, "Sereal::Encoder", "JSON::PP")
	out, err := exec.Command("perl", "testdata/write.pl").Output()
	if err != nil {
		t.Fatalf("testdata/write.pl: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var rec struct {
			Name, Hex, Error string
			Value            json.RawMessage
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		n++
		t.Run(rec.Name, func(t *testing.T) {
			doc, err := hex.DecodeString(rec.Hex)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Unmarshal(doc)
			if rec.Error == "cycle" {
				if !errors.Is(err, ErrCycle) {
					t.Fatalf("got %v, want ErrCycle", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want, err := perl.UnmarshalJSON(rec.Value)
			if err != nil {
				t.Fatal(err)
			}
			if !perl.Equal(got, want) {
				t.Errorf("got  %#v\nwant %#v", got, want)
			}
		})
	}
	if n < 90 {
		t.Fatalf("testdata/write.pl gave only %d documents", n)
	}
}

// perlDecode has Perl's Sereal::Decoder read doc, with the options of
// Dancer::Session::Cookie, and returns the value and which top-level string
// values Perl holds as UTF-8 (rather than bytes).
func perlDecode(t *testing.T, doc []byte) (any, map[string]int) {
	t.Helper()
	cmd := exec.Command("perl", "testdata/dump.pl")
	cmd.Stdin = bytes.NewReader(doc)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("Perl's Sereal::Decoder refused the document: %v\n%s", err, stderr.String())
	}
	var res struct {
		Value json.RawMessage
		UTF8  map[string]int
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	v, err := perl.UnmarshalJSON(res.Value)
	if err != nil {
		t.Fatal(err)
	}
	return v, res.UTF8
}

// richValue holds every kind of value of the model, repeated keys and
// strings, shared values and deep nesting.
func richValue() map[string]any {
	user := &perl.Object{Class: "My::User", Value: map[string]any{"name": "alice", "roles": []any{"admin", "dev"}, "uid": int64(1001)}}
	records := make([]any, 5)
	for i := range records {
		records[i] = map[string]any{"name": "n", "value": "same string value", "id": int64(i)}
	}
	big := make([]any, 20)
	for i := range big {
		big[i] = int64(i * 1000)
	}
	return map[string]any{
		"id":        "123456789012345678901234567890123456",
		"int":       int64(42),
		"neg":       int64(-7),
		"negbig":    int64(-4000000000),
		"bignum":    int64(4000000000),
		"maxint":    int64(9223372036854775807),
		"minint":    int64(-9223372036854775808),
		"float":     3.14,
		"half":      0.5,
		"str":       "hello world",
		"empty":     "",
		"long":      strings.Repeat("x", 100),
		"utf8":      "café ☺ 日本",
		"latin1":    "caf\u00e9",
		"undef":     nil,
		"true":      true,
		"false":     false,
		"nested":    map[string]any{"a": int64(1), "b": map[string]any{"c": "deep", "d": []any{int64(1), int64(2), []any{}}}},
		"bigarray":  big,
		"records":   records,
		"object":    user,
		"again":     user,
		"list":      &perl.Object{Class: "My::List", Value: []any{int64(1), "two"}},
		"scalarobj": &perl.Object{Class: "My::Scalar", Value: "v"},
		"ref":       &perl.Ref{Value: "scalar"},
		"refref":    &perl.Ref{Value: &perl.Ref{Value: int64(5)}},
		"aref":      &perl.Ref{Value: []any{int64(1)}},
		"k\u00e9y":  "latin-1 key",
		"☺":         "utf-8 key",
	}
}

// TestPerlReadsMarshal has Perl's Sereal::Decoder read what Marshal wrote:
// uncompressed, and compressed with Snappy once the body reaches 1024 bytes.
func TestPerlReadsMarshal(t *testing.T) {
	e2e.NeedPerlModules(t, "Sereal::Decoder", "JSON::PP")
	large := richValue()
	large["big"] = strings.Repeat("item,", 400)
	tests := []struct {
		name       string
		value      map[string]any
		compressed bool
	}{
		{"rich", richValue(), false},
		{"large", large, true},
		{"simple", map[string]any{"id": "1", "user": "bob", "count": int64(3)}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Marshal(tc.value)
			if err != nil {
				t.Fatal(err)
			}
			if got := doc[4] == 0x25; got != tc.compressed {
				t.Fatalf("version byte %#x: compressed=%v, want %v", doc[4], got, tc.compressed)
			}
			got, utf8 := perlDecode(t, doc)
			if !perl.Equal(got, map[string]any(tc.value)) {
				t.Errorf("Perl read\n%#v\nwant\n%#v", got, tc.value)
			}
			if tc.value["utf8"] != nil && (utf8["utf8"] != 1 || utf8["latin1"] != 0 || utf8["str"] != 0) {
				t.Errorf("Perl's UTF-8 flags: %v; want utf8=1 (characters beyond Latin-1), latin1=0 and str=0 (byte strings)", utf8)
			}
		})
	}
}
