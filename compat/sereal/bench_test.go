package sereal

import (
	"testing"
)

func benchFixture(b *testing.B, name string) cookieFixture {
	b.Helper()
	for _, f := range cookieFixtures(b) {
		if f.Name == name+".json" {
			return f
		}
	}
	b.Fatalf("no fixture %s", name)
	return cookieFixture{}
}

// benchDocs are the Sereal documents inside the cookies Perl's
// Dancer::Session::Cookie wrote for the fixture sessions, by benchmark name:
// "simple" (two keys), "all" (every kind of value) and "3K" (the "big"
// fixture, about 3 KB of session data, Snappy-compressed). The names are
// those of the other codecs' benchmarks.
var benchDocs = []struct{ name, fixture string }{{"simple", "simple"}, {"all", "all"}, {"3K", "big"}}

func BenchmarkDecode(b *testing.B) {
	for _, bd := range benchDocs {
		doc := benchFixture(b, bd.fixture).sereal(b)
		b.Run(bd.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				if _, err := Unmarshal(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	for _, bd := range benchDocs {
		v := benchFixture(b, bd.fixture).Value
		b.Run(bd.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Marshal(v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
