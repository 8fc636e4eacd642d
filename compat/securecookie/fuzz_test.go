package securecookie

import (
	"errors"
	"testing"
)

// FuzzCookieDecode feeds Decode arbitrary strings, seeded with every cookie
// fixture. Decode must return a value or one of its errors, never panic;
// and a string that decodes must still decode after a round trip through
// Encode.
func FuzzCookieDecode(f *testing.F) {
	fixtures := readFixtures(f)
	for _, fx := range fixtures {
		f.Add(fx.Cookie)
	}
	f.Add("a~~b~c~2")
	f.Add("123~~U2FsdGVkX1~abc")
	c := fixedCodec(f, fixtureTime, nil, fixtures[0].Secret)
	f.Fuzz(func(t *testing.T, s string) {
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
