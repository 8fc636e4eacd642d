package perl

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want any
	}{
		{"nil", nil, nil},
		{"int", 7, int64(7)},
		{"uint8", uint8(200), int64(200)},
		{"huge uint", uint64(1 << 63), "9223372036854775808"},
		{"float32", float32(1.5), 1.5},
		{"bytes as latin-1", []byte{'c', 'a', 'f', 0xe9}, "café"},
		{"string slice", []string{"a", "b"}, []any{"a", "b"}},
		{"nil slice", []int(nil), []any{}},
		{"int map", map[string]int{"a": 1}, map[string]any{"a": int64(1)}},
		{"object", Object{Class: "My::User", Value: map[string]string{"n": "x"}},
			&Object{Class: "My::User", Value: map[string]any{"n": "x"}}},
		{"ref", &Ref{Value: 3}, &Ref{Value: int64(3)}},
		{"pointer", func() *int { i := 4; return &i }(), int64(4)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(tt.in)
			if err != nil {
				t.Fatalf("Normalize(%#v): %v", tt.in, err)
			}
			if !Equal(got, tt.want) {
				t.Fatalf("Normalize(%#v) = %#v, want %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeRejects(t *testing.T) {
	for name, in := range map[string]any{
		"struct":  struct{ X int }{1},
		"chan":    make(chan int),
		"int key": map[int]string{1: "a"},
		"nested":  map[string]any{"a": []any{func() {}}},
	} {
		if _, err := Normalize(in); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: err = %v, want ErrUnsupported", name, err)
		}
	}
}

func TestNormalizeCopies(t *testing.T) {
	in := map[string]any{"list": []any{"a"}}
	got, err := Normalize(in)
	if err != nil {
		t.Fatal(err)
	}
	in["list"].([]any)[0] = "changed"
	if got.(map[string]any)["list"].([]any)[0] != "a" {
		t.Fatal("Normalize shares containers with its input")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	v := map[string]any{
		"n":   int64(42),
		"f":   3.5,
		"s":   "café",
		"u":   nil,
		"b":   true,
		"obj": &Object{Class: "My::User", Value: map[string]any{"roles": []any{"admin"}}},
		"ref": &Ref{Value: "v"},
	}
	data, err := MarshalJSON(v)
	if err != nil {
		t.Fatal(err)
	}
	back, err := UnmarshalJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if !Equal(v, back) {
		t.Fatalf("round trip: got %#v from %s", back, data)
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		a, b any
		want bool
	}{
		{int64(1), int64(1), true},
		{int64(1), "1", false},
		{int64(1), 1.0, false},
		{[]any{"a"}, []any{"a", "b"}, false},
		{map[string]any{"a": nil}, map[string]any{"b": nil}, false},
		{&Object{Class: "A", Value: []any{}}, &Object{Class: "B", Value: []any{}}, false},
		{&Ref{Value: "x"}, &Ref{Value: "x"}, true},
	}
	for _, tt := range tests {
		if got := Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("Equal(%#v, %#v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestEqualFunc: eq decides the scalars, found at any depth, and only
// them; the containers around them must still match.
func TestEqualFunc(t *testing.T) {
	foldCase := func(x, y any) bool {
		if s, ok := x.(string); ok {
			u, ok := y.(string)
			return ok && strings.EqualFold(s, u)
		}
		return Equal(x, y)
	}
	tests := []struct {
		a, b any
		want bool
	}{
		{"Alice", "alice", true},
		{"Alice", "bob", false},
		{map[string]any{"k": []any{&Ref{Value: &Object{Class: "C", Value: "X"}}}}, map[string]any{"k": []any{&Ref{Value: &Object{Class: "C", Value: "x"}}}}, true},
		{&Object{Class: "C", Value: "X"}, &Object{Class: "c", Value: "x"}, false},
		{[]any{"X"}, []any{"x", "x"}, false},
		{map[string]any{"a": "X"}, map[string]any{"A": "x"}, false},
		{int64(1), int64(1), true},
		{"x", []any{"x"}, false},
		{[]any{"x"}, "x", false},
		{nil, nil, true},
	}
	for _, tt := range tests {
		if got := EqualFunc(tt.a, tt.b, foldCase); got != tt.want {
			t.Errorf("EqualFunc(%#v, %#v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	if nan := math.NaN(); Equal(nan, nan) {
		t.Error("Equal(NaN, NaN): Equal keeps Go's ==")
	}
}

func TestCloneIsDeep(t *testing.T) {
	orig := map[string]any{"o": &Object{Class: "C", Value: map[string]any{"k": "v"}}}
	c := Clone(orig).(map[string]any)
	c["o"].(*Object).Value.(map[string]any)["k"] = "changed"
	if orig["o"].(*Object).Value.(map[string]any)["k"] != "v" {
		t.Fatal("Clone shares nested containers")
	}
}

func TestSizeGrowsWithContent(t *testing.T) {
	small := Size(map[string]any{"k": "v"})
	big := Size(map[string]any{"k": string(make([]byte, 1000))})
	if big-small != 999 {
		t.Fatalf("Size: 1000-byte value counts %d more than a 1-byte one", big-small)
	}
	nested := Size(map[string]any{"o": &Object{Class: "C", Value: []any{"abc", int64(1), nil, &Ref{Value: 2.5}}}})
	if nested < 3+1+9+9 {
		t.Fatalf("nested Size = %d, too small", nested)
	}
}

// StringValue gives every string back unchanged, the one-byte ones from its
// table.
func TestStringValue(t *testing.T) {
	for _, s := range []string{"", "\x00", "1", "x", "~", "\x7f", "é", "ab", "\xff"} {
		if got, ok := StringValue(s).(string); !ok || got != s {
			t.Errorf("StringValue(%q) = %#v", s, StringValue(s))
		}
	}
	for c := range 128 {
		if s := string(rune(c)); StringValue(s) != any(s) {
			t.Errorf("StringValue(%q) = %#v", s, StringValue(s))
		}
	}
}

func TestFormatNumber(t *testing.T) {
	tests := map[float64]string{
		3.14: "3.14", 3: "3", -7: "-7", 1e15: "1000000000000000", 1e20: "1e+20",
		1 << 53: "9.00719925474099e+15", 0.1 + 0.2: "0.3", 1e-5: "1e-05",
		math.Inf(1): "Inf", math.Inf(-1): "-Inf", math.NaN(): "NaN",
	}
	for in, want := range tests {
		if got := FormatNumber(in); got != want {
			t.Errorf("FormatNumber(%v) = %q, want %q", in, got, want)
		}
	}
}
