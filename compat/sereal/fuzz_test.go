package sereal

import (
	"encoding/hex"
	"testing"

	"github.com/dancergo/dancergo/compat/perl"
)

// FuzzSerealDecode feeds Unmarshal arbitrary documents, seeded with the
// fixtures' Sereal documents and hand-made ones using every tag. Whatever it
// decodes must be a value of the model that Marshal can write and that reads
// back the same.
func FuzzSerealDecode(f *testing.F) {
	for _, fx := range cookieFixtures(f) {
		f.Add(fx.sereal(f))
	}
	for _, h := range []string{
		"3df3726c0500 52 61 79 28 ab 01 01 61 78 29 05",
		"3df3726c0500 45 2c 63466f6f 28 aa 01 616e 01 29 08 2c 63426172 28 e1 76 29 15 2d 03 28 2b 00",
		"3df3726c0500 28 2b 02 51 64 6e616d65 01 51 2f 05 02",
		"3df3726c0500 42 e3 616263 2e 02",
		"3df3726c0500 42 28 ab 01 01 30 29 03",
		"3df3726c0500 46 1921cf0f 2080d0acf30e 220000003f 231f85eb51b81e0940 3f 39",
		"3df3726c0500 44 3b 3a 35 34",
		"3df3726c0500 42 26 04 636166e9 27 05 636166c3a9",
		"3d73726c0100 54616b282b02282a01646e616d6501282a012f0f0261616178646f626a312c63466f6f282a00646f626a322d25282b00",
	} {
		b, err := hex.DecodeString(stripSpaces(h))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		v, err := Unmarshal(doc)
		if err != nil {
			return
		}
		again, err := Marshal(v)
		if err != nil {
			t.Fatalf("decoded %#v but cannot write it: %v", v, err)
		}
		back, err := Unmarshal(again)
		if err != nil {
			t.Fatalf("cannot read what was written: %v", err)
		}
		if !equalOrNaN(back, v) {
			t.Fatalf("round trip changed\n%#v\ninto\n%#v", v, back)
		}
	})
}

func stripSpaces(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' {
			out = append(out, s[i])
		}
	}
	return string(out)
}

// equalOrNaN is perl.Equal, except that a NaN equals a NaN.
func equalOrNaN(a, b any) bool {
	return perl.EqualFunc(a, b, func(x, y any) bool {
		if f, ok := x.(float64); ok && f != f {
			g, ok := y.(float64)
			return ok && g != g
		}
		return perl.Equal(x, y)
	})
}
