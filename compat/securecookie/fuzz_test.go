package securecookie

import (
	"errors"
	"testing"
)

// FuzzCookieDecode feeds Decode arbitrary strings, seeded with every cookie
// fixture, and the same bytes as the plaintext of an authentic cookie.
// Decode must return a value or one of its errors, never panic; and a
// string that decodes must still decode after a round trip through Encode.
func FuzzCookieDecode(f *testing.F) {
	fixtures := readFixtures(f)
	for _, fx := range fixtures {
		f.Add(fx.Cookie)
		if fx.Inter.SerealHex != "" {
			f.Add(string(fx.hex(f, fx.Inter.SerealHex)))
		}
	}
	f.Add("a~~b~c~2")
	f.Add("123~~U2FsdGVkX1~abc")
	c := fixedCodec(f, fixtureTime, nil, fixtures[0].Secret)
	f.Fuzz(func(t *testing.T, s string) {
		// The input as a plaintext under a valid MAC: this reaches the
		// padding check and the Sereal decoder, which a random MAC never
		// does.
		sealed, err := c.seal([]byte(s), make([]byte, saltLen), "")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.Decode(sealed); err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("authentic cookie: %v, want a value or ErrInvalid", err)
		}
		v, exp, err := c.Decode(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrTampered) && !errors.Is(err, ErrExpired) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		again, err := c.Encode(v, exp)
		if err != nil {
			t.Fatalf("decoded %#v but cannot encode it: %v", v, err)
		}
		if _, _, err := c.Decode(again); err != nil {
			t.Fatalf("cannot decode what was encoded: %v", err)
		}
	})
}
