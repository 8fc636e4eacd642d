package storable

import (
	"os"
	"testing"

	"github.com/dancergo/dancergo/internal/e2e"
)

// benchDocs are the Dancer::Session::Memcached values Perl wrote: a typical
// session of every kind of value (519 bytes) and a 3 KB one.
var benchDocs = []string{"memcached-all", "memcached-big"}

func loadBenchDoc(b *testing.B, name string) []byte {
	b.Helper()
	data, err := os.ReadFile(e2e.Shared(b, "fixtures", "storable", name+".bin"))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func BenchmarkDecode(b *testing.B) {
	for _, name := range benchDocs {
		data := loadBenchDoc(b, name)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Unmarshal(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	for _, name := range benchDocs {
		v, err := Unmarshal(loadBenchDoc(b, name))
		if err != nil {
			b.Fatal(err)
		}
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
