package securecookie

import (
	"testing"
	"time"
)

func benchFixture(b *testing.B, name string) fixture {
	b.Helper()
	for _, f := range readFixtures(b) {
		if f.Name == name {
			return f
		}
	}
	b.Fatalf("no fixture %s", name)
	return fixture{}
}

// benchCookies are the cookies Perl's Dancer::Session::Cookie wrote for
// the fixture sessions, by benchmark name: "simple" (two keys), "all"
// (every kind of value) and "3K" (the "big" fixture, about 3 KB of session
// data, Snappy-compressed in the cookie). The names are those of the other
// codecs' benchmarks.
var benchCookies = []struct{ name, fixture string }{{"simple", "simple"}, {"all", "all"}, {"3K", "big"}}

func BenchmarkDecode(b *testing.B) {
	for _, bc := range benchCookies {
		f := benchFixture(b, bc.fixture)
		c := fixedCodec(b, fixtureTime, nil, f.Secret)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := c.Decode(f.Cookie); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	for _, bc := range benchCookies {
		f := benchFixture(b, bc.fixture)
		c := fixedCodec(b, fixtureTime, nil, f.Secret)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Encode(f.Value, time.Time{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
