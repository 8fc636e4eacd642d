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

func BenchmarkUnmarshal(b *testing.B) {
	for _, name := range []string{"simple", "all", "big"} {
		doc := benchFixture(b, name).sereal(b)
		b.Run(name, func(b *testing.B) {
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

func BenchmarkMarshal(b *testing.B) {
	for _, name := range []string{"simple", "all", "big"} {
		v := benchFixture(b, name).Value
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Marshal(v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
