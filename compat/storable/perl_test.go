package storable

import (
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/compat/perl"
)

// writerCases are Go values of every kind the writer handles, beyond the
// fixtures.
func writerCases() map[string]any {
	manyClasses := make([]any, 0, 205)
	for i := range 200 {
		manyClasses = append(manyClasses, &perl.Object{Class: fmt.Sprintf("C%d", i), Value: map[string]any{}})
	}
	manyClasses = append(manyClasses, &perl.Object{Class: "C150", Value: []any{}}, &perl.Object{Class: "C3", Value: "s"})
	long := "Long::" + strings.Repeat("x", 200)
	return map[string]any{
		"ascii":          "hello world",
		"latin1":         "café",
		"latin1 only":    "\u00ff\u00e9\u0080",
		"wide":           "café ☺ 日本",
		"astral":         "😀",
		"nul":            "a\x00b",
		"empty":          "",
		"long ascii":     strings.Repeat("a", 256),
		"long latin1":    strings.Repeat("é", 300),
		"long wide":      strings.Repeat("☺", 100),
		"invalid utf8":   "ok\xffthen",
		"ints":           []any{int64(0), int64(127), int64(128), int64(-128), int64(-129), int64(math.MaxInt32), int64(math.MinInt32), int64(math.MaxInt32) + 1, int64(math.MinInt32) - 1, int64(math.MaxInt64), int64(math.MinInt64)},
		"floats":         []any{3.14, 1e20, math.Copysign(0, -1), 3.0, 0.1 + 0.2, 1e15, 1 << 53, 1e-5, math.Inf(1), math.Inf(-1), math.NaN(), 1e100, -2.5, 70000.0, 4e9},
		"bools and nil":  []any{true, false, nil, map[string]any{"t": true, "f": false, "u": nil}},
		"keys":           map[string]any{"": int64(1), "nul\x00key": int64(2), "kéy": int64(3), strings.Repeat("k", 300): int64(4)},
		"wide keys":      map[string]any{"☺": int64(1), "b": int64(2), "é": int64(3), "日本": map[string]any{"ü": "v"}},
		"refs":           []any{&perl.Ref{Value: "x"}, &perl.Ref{Value: &perl.Ref{Value: int64(1)}}, &perl.Ref{Value: map[string]any{"a": int64(1)}}, &perl.Ref{Value: nil}},
		"top ref":        &perl.Ref{Value: "x"},
		"objects":        []any{&perl.Object{Class: "My::Scalar", Value: "v"}, &perl.Object{Class: "My::List", Value: []any{int64(1)}}, &perl.Object{Class: "Outer", Value: &perl.Object{Class: "Inner", Value: map[string]any{}}}, &perl.Object{Class: "My::Ref", Value: &perl.Ref{Value: "r"}}},
		"many classes":   manyClasses,
		"long class":     []any{&perl.Object{Class: long, Value: []any{}}, &perl.Object{Class: long, Value: []any{}}},
		"top object":     &perl.Object{Class: "Dancer::Session::Memcached", Value: map[string]any{"id": "123", "user": &perl.Object{Class: "My::User", Value: map[string]any{"name": "alice", "roles": []any{"admin"}}}}},
		"go types":       map[string]any{"ints": []int{1, 2, 300}, "map": map[string]int{"a": 1}, "bytes": []byte{'c', 0xe9, 0xff}, "int": 7, "uint": uint64(math.MaxUint64), "f32": float32(0.5)},
		"nested session": map[string]any{"list": []any{int64(1), []any{int64(2), []any{int64(3)}}}, "map": map[string]any{"a": map[string]any{"b": map[string]any{"c": "d"}}}},
	}
}

// TestPerlThawsMarshal has Perl's Storable::thaw and Storable::retrieve read
// what Marshal and MarshalFile wrote, and print it: the value must be the
// one written (with numbers as Storable keeps them in network order).
func TestPerlThawsMarshal(t *testing.T) {
	requirePerl(t)
	type check struct {
		name string
		want any
	}
	var (
		input  strings.Builder
		checks []check
	)
	add := func(name string, v any) {
		t.Helper()
		norm, err := perl.Normalize(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := netForm(norm)
		b, err := Marshal(v)
		if err != nil {
			t.Fatalf("%s: Marshal: %v", name, err)
		}
		fmt.Fprintf(&input, "thaw %x\n", b)
		checks = append(checks, check{name + " (thaw)", want})

		fb, err := MarshalFile(v)
		if err != nil {
			t.Fatalf("%s: MarshalFile: %v", name, err)
		}
		path := filepath.Join(t.TempDir(), "session.stor")
		if err := os.WriteFile(path, fb, 0o600); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&input, "retrieve %s\n", path)
		checks = append(checks, check{name + " (retrieve)", want})
	}
	for name, v := range writerCases() {
		add(name, v)
	}
	for _, f := range loadFixtures(t) {
		add("fixture "+f.name, f.value)
	}

	lines := runPerl(t, "thaw.pl", []byte(input.String()))
	if len(lines) != len(checks) {
		t.Fatalf("perl printed %d lines for %d documents", len(lines), len(checks))
	}
	for i, c := range checks {
		got, err := perl.UnmarshalJSON([]byte(lines[i]))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		res := got.(map[string]any)
		if msg, ok := res["err"]; ok {
			t.Errorf("%s: Perl could not read it: %v", c.name, msg)
			continue
		}
		if !sameValue(res["ok"], c.want) {
			t.Errorf("%s: Perl read\n %s\nwant\n %s", c.name, show(res["ok"]), show(c.want))
		}
	}
}

// TestUnmarshalPerlCases decodes documents Perl writes on the spot, in
// network and native order, for features the shared fixtures do not cover
// (restricted hashes, downgraded keys, weak references, v-strings,
// overloaded objects, large class tables...), then has Perl read the
// values written back by Marshal.
func TestUnmarshalPerlCases(t *testing.T) {
	requirePerl(t)
	lines := runPerl(t, "freeze.pl", nil)
	if len(lines) < 40 {
		t.Fatalf("freeze.pl printed %d cases", len(lines))
	}
	var (
		input strings.Builder
		names []string
		wants []any
	)
	for _, line := range lines {
		name, rest, _ := strings.Cut(line, " ")
		hexDoc, js, _ := strings.Cut(rest, " ")
		doc, err := hex.DecodeString(hexDoc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, err := perl.UnmarshalJSON([]byte(js))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := Unmarshal(doc)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !sameValue(got, want) {
			t.Errorf("%s: decoded\n %s\nwant\n %s", name, show(got), show(want))
			continue
		}
		b, err := Marshal(got)
		if err != nil {
			t.Errorf("%s: Marshal: %v", name, err)
			continue
		}
		fmt.Fprintf(&input, "thaw %x\n", b)
		names = append(names, name)
		wants = append(wants, netForm(got))
	}
	back := runPerl(t, "thaw.pl", []byte(input.String()))
	if len(back) != len(names) {
		t.Fatalf("perl printed %d lines for %d documents", len(back), len(names))
	}
	for i, line := range back {
		got, err := perl.UnmarshalJSON([]byte(line))
		if err != nil {
			t.Fatal(err)
		}
		res := got.(map[string]any)
		if !sameValue(res["ok"], wants[i]) {
			t.Errorf("%s written back: Perl read\n %s\nwant\n %s", names[i], line, show(wants[i]))
		}
	}
}

// TestMarshalNumbersMatchPerl compares Marshal's bytes for doubles and
// integers with nfreeze's for the same NV or IV: edge cases, and random
// doubles across many magnitudes.
func TestMarshalNumbersMatchPerl(t *testing.T) {
	requirePerl(t)
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 3.14, 1e15, 1.5e15, 1e15 + 0.5, 1 << 53, 1<<53 + 2,
		-(1 << 53), 1e16, 1e20, 1e21, 1e-4, 1e-5, 0.1 + 0.2, 1.0 / 3, 123456.789, 2147483647, 2147483648,
		-2147483648, -2147483649, 4e9, 9.223372036854775807e18, 1.8446744073709552e19, 1e100, 1e-300,
		math.MaxFloat64, math.SmallestNonzeroFloat64, math.Inf(1), math.Inf(-1), math.NaN(), 99999999999999.9,
		999999999999999, 9999999999999999, 0.000123456789012345678}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		f := rng.Float64() * math.Pow(10, float64(rng.IntN(60)-30))
		switch rng.IntN(4) {
		case 0:
			f = -f
		case 1:
			f = math.Round(f)
		case 2:
			f = math.Round(f*100) / 100
		}
		floats = append(floats, f)
	}
	ints := []int64{0, 127, -128, 128, -129, math.MaxInt32, math.MinInt32, math.MaxInt32 + 1, math.MinInt32 - 1,
		math.MaxInt64, math.MinInt64, 1 << 40, -(1 << 40)}
	for range 500 {
		ints = append(ints, rng.Int64()>>rng.IntN(63)*int64(1-2*rng.IntN(2)))
	}

	var input strings.Builder
	for _, f := range floats {
		fmt.Fprintf(&input, "d %016x\n", math.Float64bits(f))
	}
	for _, i := range ints {
		fmt.Fprintf(&input, "i %d\n", i)
	}
	lines := runPerl(t, "numbers.pl", []byte(input.String()))
	if len(lines) != len(floats)+len(ints) {
		t.Fatalf("perl printed %d lines for %d numbers", len(lines), len(floats)+len(ints))
	}
	bad := 0
	for i, line := range lines {
		var v any
		var label string
		if i < len(floats) {
			v, label = floats[i], strconv.FormatFloat(floats[i], 'g', -1, 64)
		} else {
			v, label = ints[i-len(floats)], strconv.FormatInt(ints[i-len(floats)], 10)
		}
		b, err := Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(b); got != line {
			if bad++; bad <= 20 {
				t.Errorf("Marshal(%s) = %s, Perl nfreeze = %s", label, got, line)
			}
		}
	}
}
