package perlyaml

import (
	"errors"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/dancergo/dancergo/compat/perl"
)

var _ scs.Codec = Codec{}

func TestCodec(t *testing.T) {
	values := map[string]any{"id": "123", "user": "bob", "n": int64(3)}
	tests := []struct {
		class, want string
	}{
		{"Dancer::Session::YAML", "--- !!perl/hash:Dancer::Session::YAML\nid: 123\nn: 3\nuser: bob\n"},
		{"", "---\nid: 123\nn: 3\nuser: bob\n"},
	}
	for _, tt := range tests {
		c := Codec{Class: tt.class}
		b, err := c.Encode(time.Now().Add(time.Hour), values)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("Codec{%q}.Encode = %q, want %q", tt.class, b, tt.want)
		}
		deadline, got, err := c.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if !deadline.IsZero() {
			t.Errorf("Decode deadline = %v, want zero (YAML files keep none)", deadline)
		}
		if d := diff(got, perlView(values)); d != "" {
			t.Errorf("Codec{%q}.Decode: %s", tt.class, d)
		}
	}
}

func TestCodecEmpty(t *testing.T) {
	b, err := Codec{Class: "Dancer::Session::YAML"}.Encode(time.Time{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "--- !!perl/hash:Dancer::Session::YAML {}\n"; string(b) != want {
		t.Fatalf("Encode(nil) = %q, want %q", b, want)
	}
	_, v, err := Codec{}.Decode(b)
	if err != nil || v == nil || len(v) != 0 {
		t.Fatalf("Decode(%q) = %#v, %v", b, v, err)
	}
}

// TestCodecReadsBothFlavours: either Codec reads Dancer 1 and Dancer2 files.
func TestCodecReadsBothFlavours(t *testing.T) {
	for _, file := range append(fixtures(t, "yaml/*/*.yml"), fixtures(t, "dancer2/*.yml")...) {
		want := fixtureValue(t, file)
		if o, ok := want.(*perl.Object); ok {
			want = o.Value
		}
		for _, c := range []Codec{{Class: "Dancer::Session::YAML"}, {}} {
			_, got, err := c.Decode(readFile(t, file))
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if d := diff(got, want); d != "" {
				t.Fatalf("%s: %s", file, d)
			}
		}
	}
}

func TestCodecDecodeErrors(t *testing.T) {
	for in, want := range map[string]error{
		"--- ~\n":                   ErrNotHash,
		"--- x\n":                   ErrNotHash,
		"---\n- a\n":                ErrNotHash,
		"--- !!perl/array:C\n- a\n": ErrNotHash,
		"":                          ErrSyntax,
		"a: 'x\n":                   ErrSyntax,
	} {
		if _, _, err := (Codec{}).Decode([]byte(in)); !errors.Is(err, want) {
			t.Errorf("Decode(%q) error = %v, want %v", in, err, want)
		}
	}
}
