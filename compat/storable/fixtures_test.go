package storable

import (
	"encoding/hex"
	"strings"
	"testing"
)

// TestUnmarshalFixtures decodes every Storable artefact that Perl wrote to
// the value its .json records.
func TestUnmarshalFixtures(t *testing.T) {
	for _, f := range loadFixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			var (
				got any
				err error
			)
			if f.file {
				got, err = UnmarshalFile(f.data)
			} else {
				got, err = Unmarshal(f.data)
			}
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !sameValue(got, f.value) {
				t.Errorf("decoded\n %s\nwant\n %s", show(got), show(f.value))
			}
			if f.hex != "" && f.hex != hex.EncodeToString(f.data) {
				t.Errorf(".json hex differs from the artefact's bytes")
			}
		})
	}
}

// TestMarshalRoundTrip writes every fixture's value and reads it back.
func TestMarshalRoundTrip(t *testing.T) {
	for _, f := range loadFixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			want := netForm(f.value)
			b, err := Marshal(f.value)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			got, err := Unmarshal(b)
			if err != nil {
				t.Fatalf("Unmarshal(Marshal): %v\n%x", err, b)
			}
			if !sameValue(got, want) {
				t.Errorf("round trip gave\n %s\nwant\n %s", show(got), show(want))
			}
			fb, err := MarshalFile(f.value)
			if err != nil {
				t.Fatalf("MarshalFile: %v", err)
			}
			if string(fb[:4]) != "pst0" || string(fb[4:]) != string(b) {
				t.Errorf("MarshalFile = %x, want pst0 + %x", fb, b)
			}
			if got, err = UnmarshalFile(fb); err != nil || !sameValue(got, want) {
				t.Errorf("UnmarshalFile(MarshalFile) = %s, %v", show(got), err)
			}
		})
	}
}

// notCanonical lists the catalog fixtures whose bytes carry something the
// value model does not, so that Marshal of their value cannot give Perl's
// bytes back. Every other op-* fixture must come out byte for byte.
var notCanonical = map[string]string{
	"storable/op-shared_ref.bin":         "Perl writes the second reference as a back-reference (SX_OBJECT); Marshal writes values, not identities",
	"storable/op-latin1_utf8flagged.bin": "Perl's string carries the UTF-8 flag; Marshal writes Latin-1 text as bytes (see the package doc)",
	"storable/op-sparse_array.bin":       "missing array slots are SX_SV_UNDEF in Perl; Marshal writes every undef as SX_UNDEF",
	"storable/op-undef_sv.bin":           "\\undef freezes PL_sv_undef (SX_SV_UNDEF); Marshal writes undef as SX_UNDEF, as session values are",
}

// TestMarshalReproducesPerl checks that the writer gives Perl's own bytes
// (nfreeze with $Storable::canonical) for the opcode catalog.
func TestMarshalReproducesPerl(t *testing.T) {
	n := 0
	for _, f := range loadFixtures(t) {
		if f.hex == "" || f.native {
			continue
		}
		t.Run(f.name, func(t *testing.T) {
			if why, ok := notCanonical[f.name]; ok {
				t.Skip(why)
			}
			n++
			b, err := Marshal(f.value)
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(b); got != f.hex {
				t.Errorf("Marshal(%s)\n got %s\nwant %s", show(f.value), got, f.hex)
			}
		})
	}
	if n < 25 {
		t.Errorf("compared %d catalog fixtures byte for byte, want at least 25", n)
	}
	for name := range notCanonical {
		if !strings.HasPrefix(name, "storable/op-") {
			t.Errorf("notCanonical names %s, not a catalog fixture", name)
		}
	}
}
