package perlyaml

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/dancergo/dancergo/compat/perl"
)

// FuzzUnmarshal feeds the reader arbitrary input. It must never panic;
// whatever it reads, Marshal writes, and reading that gives the same value
// back and writing it again the same bytes.
func FuzzUnmarshal(f *testing.F) {
	for _, file := range append(fixtures(f, "yaml/*/*.yml"), fixtures(f, "dancer2/*.yml")...) {
		f.Add(readFile(f, file))
	}
	g := &gen{r: rand.New(rand.NewPCG(5, 6)), shared: true}
	for range 20 {
		b, err := Marshal(g.document())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, tc := range styleCases {
		if b, err := Marshal(map[string]any{"k": tc.value}); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"a: >\n  one\n  two\n\n  three\n", "? |-\n  a\n  b\n: v\n", "a: [x, {k: [1]}]\n",
		"a: &1\n  k: v\nb: *1\n", "a:\n- 1\n- k: v\n", "- - a\n  - b\n", "--- !perl/My::C\nk: v\n",
		"a: !!perl/scalar:C ~\n", "a: \"\\x41\\e\\u263a\"\n", "a: |2-\n   x\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Unmarshal(data)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("Unmarshal error %v does not wrap ErrSyntax", err)
			}
			return
		}
		out, err := Marshal(v)
		if err != nil {
			t.Fatalf("Marshal(Unmarshal(%q)): %v", data, err)
		}
		back, err := Unmarshal(out)
		if err != nil {
			t.Fatalf("Unmarshal(Marshal(Unmarshal(%q))) = Unmarshal(%q): %v", data, out, err)
		}
		if !perl.Equal(back, v) {
			t.Fatalf("%q reads as %#v; written as %q it reads as %#v: %s", data, v, out, back, diff(back, v))
		}
		again, err := Marshal(back)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("Marshal is not stable: %q then %q (%v)", out, again, err)
		}
	})
}
