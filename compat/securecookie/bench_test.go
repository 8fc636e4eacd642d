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

func BenchmarkDecode(b *testing.B) {
	for _, name := range []string{"simple", "all", "big"} {
		f := benchFixture(b, name)
		c := fixedCodec(b, fixtureTime, nil, f.Secret)
		b.Run(name, func(b *testing.B) {
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
	for _, name := range []string{"simple", "all", "big"} {
		f := benchFixture(b, name)
		c := fixedCodec(b, fixtureTime, nil, f.Secret)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Encode(f.Value, time.Time{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
