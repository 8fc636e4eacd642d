package storable

import (
	"os"
	"testing"

	"github.com/dancergo/dancergo/internal/e2e"
)

// benchDocs are the Dancer::Session::Memcached values Perl wrote, by
// benchmark name: "all", a typical session of every kind of value (519
// bytes), and "3K", the "big" fixture (3 KB). The names are those of the
// other codecs' benchmarks.
var benchDocs = []struct{ name, fixture string }{{"all", "memcached-all"}, {"3K", "memcached-big"}}

func loadBenchDoc(b *testing.B, name string) []byte {
	b.Helper()
	data, err := os.ReadFile(e2e.Shared(b, "fixtures", "storable", name+".bin"))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func BenchmarkDecode(b *testing.B) {
	for _, bd := range benchDocs {
		data := loadBenchDoc(b, bd.fixture)
		b.Run(bd.name, func(b *testing.B) {
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
	for _, bd := range benchDocs {
		v, err := Unmarshal(loadBenchDoc(b, bd.fixture))
		if err != nil {
			b.Fatal(err)
		}
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
