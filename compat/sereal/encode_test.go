package sereal

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/compat/perl"
)

// The deterministic vectors were written by Perl with sort_keys => 1, so a
// writer that orders keys the same way reproduces their documents byte for
// byte.
func TestMarshalReproducesPerlVectors(t *testing.T) {
	n := 0
	for _, f := range cookieFixtures(t) {
		if !strings.HasPrefix(f.Name, "vector-") {
			continue
		}
		// vector-snappy is compressed: golang/snappy and Perl's csnappy
		// make the same block for it.
		want := f.sereal(t)
		n++
		got, err := Marshal(f.Value)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\ngot  %x\nwant %x", f.Name, got, want)
		}
	}
	if n != 4 { // simple, expires-2033, expired, snappy
		t.Fatalf("found %d vectors with a Sereal document, want 4", n)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	large := richValue()
	large["big"] = strings.Repeat("item,", 400)
	for name, v := range map[string]map[string]any{"rich": richValue(), "large": large, "empty": {}} {
		t.Run(name, func(t *testing.T) {
			doc, err := Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Unmarshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			if !perl.Equal(got, map[string]any(v)) {
				t.Errorf("got  %#v\nwant %#v", got, v)
			}
		})
	}
}

func TestMarshalCompression(t *testing.T) {
	tests := []struct {
		name      string
		enc       Encoder
		value     any
		wantByte  byte
		shorterBy int // compressed document at least this much shorter than the body
	}{
		{"under the threshold", Encoder{}, map[string]any{"big": strings.Repeat("a", 1000)}, 0x05, 0},
		{"at the threshold", Encoder{}, map[string]any{"big": strings.Repeat("a", 1020)}, 0x25, 900},
		{"threshold lowered", Encoder{CompressThreshold: 100}, map[string]any{"big": strings.Repeat("a", 200)}, 0x25, 100},
		{"never", Encoder{CompressThreshold: -1}, map[string]any{"big": strings.Repeat("a", 5000)}, 0x05, 0},
		// Random-looking data does not shrink: it stays uncompressed.
		{"incompressible", Encoder{CompressThreshold: 10}, map[string]any{"k": "q8#Zr!2mV0@x7$Lp"}, 0x05, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := tc.enc.Marshal(tc.value)
			if err != nil {
				t.Fatal(err)
			}
			if doc[4] != tc.wantByte {
				t.Fatalf("version byte %#x, want %#x", doc[4], tc.wantByte)
			}
			raw, _ := Encoder{CompressThreshold: -1}.Marshal(tc.value)
			if len(raw)-len(doc) < tc.shorterBy {
				t.Errorf("document of %d bytes, uncompressed %d", len(doc), len(raw))
			}
			got, err := Unmarshal(doc)
			if err != nil || !perl.Equal(got, tc.value) {
				t.Errorf("round trip: %v, %v", got, err)
			}
		})
	}
}

func TestMarshalScalars(t *testing.T) {
	tests := []struct {
		name string
		v    any
		body string // hex after the 6-byte header
	}{
		{"pos", int64(15), "0f"},
		{"neg", int64(-16), "10"},
		{"varint", int64(16), "2010"},
		{"zigzag", int64(-17), "2121"},
		{"float32 exact", 0.5, "220000003f"},
		{"double", 3.14, "231f85eb51b81e0940"},
		{"undef", nil, "25"},
		{"true", true, "3b"},
		{"false", false, "3a"},
		{"ascii", "abc", "63616263"},
		{"latin-1 as bytes", "café", "64636166e9"},
		{"beyond latin-1 as utf-8", "☺", "2703e298ba"},
		{"invalid utf-8 replaced", "a\xffb", "2705 61efbfbd62"},
		{"long binary", strings.Repeat("a", 32), "2620" + strings.Repeat("61", 32)},
		{"scalar ref", &perl.Ref{Value: "x"}, "286178"},
		{"ref to a hashref", &perl.Ref{Value: map[string]any{}}, "2850"},
		{"arrayref", []any{int64(1)}, "282b0101"},
		{"object", &perl.Object{Class: "C", Value: []any{}}, "2c6143282b00"},
		{"blessed scalar", &perl.Object{Class: "C", Value: int64(1)}, "2c61432801"},
		{"Go int", 7, "07"},
		{"normalized []string", []string{"a"}, "282b016161"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			want := doc(t, tc.body)
			if !bytes.Equal(got, want) {
				t.Errorf("got  %x\nwant %x", got, want)
			}
		})
	}
}

func TestMarshalKeysCopied(t *testing.T) {
	v := map[string]any{"list": []any{map[string]any{"name": int64(1)}, map[string]any{"name": int64(2)}}}
	got, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	// REFN HASH 1 "list" ARRAYREF_2 HASHREF_1 "name" 1 HASHREF_1 COPY(11) 2
	want := doc(t, "282a01 646c697374 42 51 646e616d65 01 51 2f0b 02")
	if !bytes.Equal(got, want) {
		t.Errorf("got  %x\nwant %x", got, want)
	}
}

func TestMarshalRejects(t *testing.T) {
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	tests := []struct {
		name string
		v    any
	}{
		{"cycle", cyclic},
		{"channel", make(chan int)},
		{"func", map[string]any{"f": func() {}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Marshal(tc.v); !errors.Is(err, ErrUnsupported) {
				t.Fatalf("got %v, want ErrUnsupported", err)
			}
		})
	}
}

// sortEntries (an insertion sort for small hashes) orders keys as
// compareKeys does, Sereal's sort_keys order, for every size up to and past
// where it hands over to slices.SortFunc.
func TestSortEntries(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("ab_é☺")
	for n := range 40 {
		seen := map[string]bool{}
		var e []entry
		for len(e) < n {
			k := make([]rune, rng.IntN(4))
			for i := range k {
				k[i] = alphabet[rng.IntN(len(alphabet))]
			}
			if !seen[string(k)] { // a hash's keys are distinct
				seen[string(k)] = true
				e = append(e, entry{string(k), len(e)})
			}
		}
		want := slices.Clone(e)
		slices.SortFunc(want, func(a, b entry) int { return compareKeys(a.key, b.key) })
		sortEntries(e)
		if !slices.Equal(e, want) {
			t.Fatalf("%d keys: got %v, want %v", n, e, want)
		}
	}
}
