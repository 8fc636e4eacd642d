package perlyaml

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/compat/perl"
)

// session3K is a typical larger session, about 3 KB of YAML: a user
// object, a cart of items, flash messages, preferences, a CSRF token.
func session3K() any {
	var items []any
	for i := range 21 {
		items = append(items, map[string]any{
			"sku": fmt.Sprintf("SKU-%05d", i), "name": "Widget number " + fmt.Sprint(i),
			"qty": fmt.Sprint(i%3 + 1), "price": "19.99", "options": []any{"red", "large"},
		})
	}
	return &perl.Object{Class: "Dancer::Session::YAML", Value: map[string]any{
		"id":    "28916622899025625182265681350777896",
		"user":  &perl.Object{Class: "My::User", Value: map[string]any{"name": "alice", "uid": "1001", "roles": []any{"admin", "dev"}, "email": "alice@example.com"}},
		"cart":  items,
		"flash": []any{"Saved: your changes are live", "It's done"},
		"note":  strings.Repeat("A longer note that spans lines.\n", 5),
		"prefs": map[string]any{"lang": "fr", "tz": "Europe/Paris", "theme": "dark", "page_size": "50"},
		"csrf":  "f3a9c1d2e4b5a6978877665544332211",
		"last":  "2026-11-29T09:53:09Z", "utf8": "café ☺ 日本", "empty": "", "undef": nil,
	}}
}

// benchValue is a named value the benchmarks encode and decode.
type benchValue struct {
	name  string
	value any
}

// benchValues are Perl's "all" session (the fixture, every kind of value)
// and session3K. The names are those of the other codecs' benchmarks.
func benchValues(b *testing.B) []benchValue {
	all := fixtures(b, "yaml/all/*.yml")[0]
	v, err := Unmarshal(readFile(b, all))
	if err != nil {
		b.Fatal(err)
	}
	return []benchValue{{"all", v}, {"3K", session3K()}}
}

func BenchmarkEncode(b *testing.B) {
	for _, bv := range benchValues(b) {
		v := bv.value
		b.Run(bv.name, func(b *testing.B) {
			out, _ := Marshal(v)
			b.SetBytes(int64(len(out)))
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				if _, err := Marshal(v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, bv := range benchValues(b) {
		data, err := Marshal(bv.value)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bv.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				if _, err := Unmarshal(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// reportCPU adds the metric cpu-ns/op: the process's CPU time per
// operation, which unlike ns/op does not grow when other processes share
// the machine's cores (it includes the garbage collector's work).
func reportCPU(b *testing.B) func() {
	start, ok := cpuTime()
	return func() {
		if end, _ := cpuTime(); ok {
			b.ReportMetric(float64((end-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	}
}
