package sereal

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/golang/snappy"

	"github.com/dancergo/dancergo/compat/perl"
)

func TestUnmarshalFixtures(t *testing.T) {
	fixtures := cookieFixtures(t)
	if len(fixtures) < 8 {
		t.Fatalf("found only %d fixtures with a Sereal document", len(fixtures))
	}
	for _, f := range fixtures {
		t.Run(f.Name, func(t *testing.T) {
			got, err := Unmarshal(f.sereal(t))
			if err != nil {
				t.Fatal(err)
			}
			if !perl.Equal(got, f.Value) {
				t.Errorf("got  %#v\nwant %#v", got, f.Value)
			}
		})
	}
}

// doc builds a protocol 5 document from the hex of a raw body.
func doc(t *testing.T, bodyHex string) []byte {
	t.Helper()
	b, err := hex.DecodeString("3df3726c0500" + strings.ReplaceAll(bodyHex, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestUnmarshalTags(t *testing.T) {
	shared := []any{int64(1)}
	blessed := &perl.Object{Class: "Foo", Value: map[string]any{"n": int64(1)}}
	scalarObj := &perl.Object{Class: "Bar", Value: "v"}
	tests := []struct {
		name string
		body string
		want any
	}{
		{"pos", "0f", int64(15)},
		{"neg", "10", int64(-16)},
		{"neg -1", "1f", int64(-1)},
		{"varint", "20 80d0acf30e", int64(4000000000)},
		{"varint beyond int64", "20 ffffffffffffffffff01", "18446744073709551615"},
		{"zigzag", "21 cf0f", int64(-1000)},
		{"float", "22 0000003f", 0.5},
		{"double", "23 1f85eb51b81e0940", 3.14},
		{"undef", "25", nil},
		{"canonical undef", "39", nil},
		{"true false yes no", "44 3b 3a 35 34", []any{true, false, true, false}},
		{"binary is latin-1", "26 04 636166e9", "café"},
		{"short binary", "64 636166e9", "café"},
		{"str_utf8", "27 05 636166c3a9", "café"},
		{"pad before items", "3f 3f 42 3f 01 3f 02", []any{int64(1), int64(2)}},
		{"refn hash", "28 2a 01 61 61 01", map[string]any{"a": int64(1)}},
		{"refn array", "28 2b 02 01 02", []any{int64(1), int64(2)}},
		{"hashref_n", "52 61 61 01 61 62 40", map[string]any{"a": int64(1), "b": []any{}}},
		{"scalar ref", "28 63 616263", &perl.Ref{Value: "abc"}},
		{"ref to ref", "28 28 61 7a", &perl.Ref{Value: &perl.Ref{Value: "z"}}},
		{"ref to arrayref", "28 41 01", &perl.Ref{Value: []any{int64(1)}}},
		// {y => $a, x => $a} with $a = [1]: REFP 5 points at the tracked ARRAY.
		{"refp to tracked array", "52 61 79 28 ab 01 01 61 78 29 05", map[string]any{"y": shared, "x": shared}},
		// [\$s, \$s]: REFP to a tracked scalar is a new reference to it.
		{"refp to tracked scalar", "42 28 e3 616263 29 03", []any{&perl.Ref{Value: "abc"}, &perl.Ref{Value: "abc"}}},
		{"alias", "42 e3 616263 2e 02", []any{"abc", "abc"}},
		{"weaken", "42 28 ab 01 01 30 29 03", []any{shared, shared}},
		{"copy of a key", "28 2b 02 51 64 6e616d65 01 51 2f 05 02",
			[]any{map[string]any{"name": int64(1)}, map[string]any{"name": int64(2)}}},
		{"copy of a value", "42 66 737472696e67 2f 02", []any{"string", "string"}},
		{"copy of a number", "42 20 e807 2f 02", []any{int64(1000), int64(1000)}},
		{"object", "2c 63 466f6f 28 2a 01 61 6e 01", blessed},
		{"object of an arrayref", "2c 63 466f6f 42 01 02", &perl.Object{Class: "Foo", Value: []any{int64(1), int64(2)}}},
		{"object of a scalar", "2c 63 426172 28 61 76", scalarObj},
		// [$o, $o, $s, $s, bless([], 'Foo')], as Perl writes it: the REFPs
		// to a blessed item come back blessed, OBJECTV reuses a class name.
		{"objects as perl writes them",
			"45 2c 63466f6f 28 aa 01 616e 01 29 08 2c 63426172 28 e1 76 29 15 2d 03 28 2b 00",
			[]any{blessed, blessed, scalarObj, scalarObj, &perl.Object{Class: "Foo", Value: []any{}}}},
		{"hash key in utf8", "51 27 03 e298ba 01", map[string]any{"☺": int64(1)}},
		{"short hash key in latin-1", "51 64 636166e9 01", map[string]any{"café": int64(1)}},
		{"tracked short hash key", "51 e1 6b 01", map[string]any{"k": int64(1)}},
		{"pad before a hash key", "51 3f 61 6b 01", map[string]any{"k": int64(1)}},
		{"trailing bytes ignored", "01 28", int64(1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Unmarshal(doc(t, tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if !perl.Equal(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestUnmarshalSharesReferences(t *testing.T) {
	v, err := Unmarshal(doc(t, "52 61 79 28 ab 01 01 61 78 29 05"))
	if err != nil {
		t.Fatal(err)
	}
	h := v.(map[string]any)
	x, y := h["x"].([]any), h["y"].([]any)
	x[0] = "changed"
	if y[0] != "changed" {
		t.Error("REFP did not give the same array as the item it points to")
	}
}

func TestUnmarshalRejects(t *testing.T) {
	tests := []struct {
		name string
		doc  string // whole document in hex
		want error
	}{
		{"empty", "", ErrInvalid},
		{"magic only", "3df3726c", ErrInvalid},
		{"bad magic", "3df3726d0500 01", ErrInvalid},
		{"v1 magic with v5", "3d73726c0500 01", ErrInvalid},
		{"utf8-encoded magic", "3dc3b3726c0500 01", ErrInvalid},
		{"version 6", "3df3726c0600 01", ErrUnsupported},
		{"version 0", "3df3726c0000 01", ErrUnsupported},
		{"zstd", "3df3726c4500 01", ErrUnsupported},
		{"unknown encoding", "3df3726c7500 01", ErrInvalid},
		{"no body", "3df3726c0500", ErrInvalid},
		{"suffix longer than doc", "3df3726c0505 0102", ErrInvalid},
		{"truncated string", "3df3726c0500 26 05 6162", ErrInvalid},
		{"truncated short hash key", "3df3726c0500 51 65 6162", ErrInvalid},
		{"huge string length", "3df3726c0500 26 ffffffffffffffff7f 61", ErrInvalid},
		{"huge array count", "3df3726c0500 28 2b ffffffff0f 01", ErrInvalid},
		{"huge hash count", "3df3726c0500 28 2a ffffffff0f 6161 01", ErrInvalid},
		{"varint overflow", "3df3726c0500 20 ffffffffffffffffffff01", ErrInvalid},
		{"truncated double", "3df3726c0500 23 0000", ErrInvalid},
		{"array missing items", "3df3726c0500 43 01 02", ErrInvalid},
		{"bad utf8", "3df3726c0500 27 02 c328", ErrInvalid},
		{"refp to untracked", "3df3726c0500 42 01 29 02", ErrInvalid},
		{"refp forward", "3df3726c0500 42 29 05 81", ErrInvalid},
		{"refp offset zero", "3df3726c0500 42 81 29 00", ErrInvalid},
		{"copy of itself", "3df3726c0500 42 01 2f 03", ErrInvalid},
		{"copy of a copy", "3df3726c0500 43 01 2f 02 2f 03", ErrInvalid},
		{"copy of a container", "3df3726c0500 42 41 01 2f 02", ErrInvalid},
		{"objectv to a non-string", "3df3726c0500 42 01 2d 02 40", ErrInvalid},
		{"object of a non-reference", "3df3726c0500 2c 63466f6f 01", ErrInvalid},
		{"hash key not a string", "3df3726c0500 51 01 01", ErrInvalid},
		{"cycle", "3df3726c0500 28 aa 01 64 73656c66 29 02", ErrCycle},
		{"weak cycle", "3df3726c0500 28 aa 01 64 73656c66 30 29 02", ErrCycle},
		{"alias to itself", "3df3726c0500 42 ab 01 2e 02", ErrCycle},
		{"regexp", "3df3726c0500 31 6161 60", ErrUnsupported},
		{"object freeze", "3df3726c0500 32 63466f6f 40", ErrUnsupported},
		{"long double", "3df3726c0500 24", ErrUnsupported},
		{"reserved tag", "3df3726c0500 36", ErrInvalid},
		{"only pads", "3df3726c0500 3f3f3f", ErrInvalid},
		{"snappy length beyond doc", "3df3726c2500 10 00", ErrInvalid},
		{"snappy lying about its size", "3df3726c2500 04 ffff7f00", ErrInvalid},
		{"snappy garbage", "3df3726c2500 03 05 ffff", ErrInvalid},
		{"zlib lying about its size", "3df3726c3500 ffffffff0f 02 789c", ErrInvalid},
		{"zlib garbage", "3df3726c3500 05 03 010203", ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := hex.DecodeString(strings.ReplaceAll(tc.doc, " ", ""))
			if err != nil {
				t.Fatal(err)
			}
			v, err := Unmarshal(b)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %#v, %v; want an error wrapping %v", v, err, tc.want)
			}
		})
	}
}

func TestUnmarshalDepthLimit(t *testing.T) {
	body := strings.Repeat("41", maxDepth+1) + "40"
	if _, err := Unmarshal(doc(t, body)); !errors.Is(err, ErrLimit) {
		t.Fatalf("got %v, want ErrLimit", err)
	}
	// The deepest value Unmarshal accepts, Marshal writes.
	body = strings.Repeat("41", maxDepth-1) + "40"
	v, err := Unmarshal(doc(t, body))
	if err != nil {
		t.Fatalf("nesting of %d: %v", maxDepth, err)
	}
	if _, err := Marshal(v); err != nil {
		t.Fatalf("Marshal of the deepest value Unmarshal accepts: %v", err)
	}
}

// A small document whose shared references unfold into a huge tree (each
// level an array holding the previous level twice) is refused.
func TestUnmarshalExpansionLimit(t *testing.T) {
	var b strings.Builder
	levels := 40
	b.WriteString("28 2b") // root: REFN ARRAY of 40 levels
	b.WriteString(hex.EncodeToString([]byte{byte(levels)}))
	// level 0: a tracked array of one item at body offset 5.
	b.WriteString("28 ab 01 01")
	prev := 5
	pos := 8 // 1-based offset of the next byte
	for i := 1; i < levels; i++ {
		// REFN, tracked ARRAY of 2: REFP prev, REFP prev.
		b.WriteString("28 ab 02")
		here := pos + 1
		refp := "29" + hex.EncodeToString(appendUvarint(nil, uint64(prev)))
		b.WriteString(refp + refp)
		pos += 3 + 2*len(refp)/2
		prev = here
	}
	if _, err := Unmarshal(doc(t, b.String())); !errors.Is(err, ErrLimit) {
		t.Fatalf("got %v, want ErrLimit", err)
	}
}

func appendUvarint(b []byte, u uint64) []byte {
	for u >= 0x80 {
		b = append(b, byte(u)|0x80)
		u >>= 7
	}
	return append(b, byte(u))
}

// A long string aliased thousands of times is small on the wire but huge
// for whoever walks or re-encodes the value: refused.
func TestUnmarshalStringExpansionLimit(t *testing.T) {
	const n = 3000
	var b strings.Builder
	b.WriteString("28 2b")
	b.WriteString(hex.EncodeToString(appendUvarint(nil, n+1)))
	// item 1 at body offset 2+len(count): a tracked 2000-byte BINARY.
	str := 1 + 2 + len(appendUvarint(nil, n+1))
	b.WriteString("a6 d00f" + strings.Repeat("78", 2000))
	alias := "2e" + hex.EncodeToString(appendUvarint(nil, uint64(str)))
	b.WriteString(strings.Repeat(alias, n))
	if _, err := Unmarshal(doc(t, b.String())); !errors.Is(err, ErrLimit) {
		t.Fatalf("got %v, want ErrLimit", err)
	}
}

// Snappy type 1 (the whole rest of the document is one block, no length)
// is read as well as Perl's type 2.
func TestUnmarshalSnappyNonIncremental(t *testing.T) {
	body, err := hex.DecodeString("282a01616163616263")
	if err != nil {
		t.Fatal(err)
	}
	doc := append([]byte{0x3d, 0xf3, 0x72, 0x6c, 0x15, 0x00}, snappy.Encode(nil, body)...)
	got, err := Unmarshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"a": "abc"}; !perl.Equal(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
}
