package perlyaml

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dancergo/dancergo/compat/perl"
)

// TestUnmarshal covers what the reader accepts beyond the YAML.pm output
// the round-trip tests make.
func TestUnmarshal(t *testing.T) {
	shared := map[string]any{"k": "v"}
	tests := []struct {
		name string
		in   string
		want any
	}{
		{"no header", "a: 1\n", map[string]any{"a": "1"}},
		{"no final newline", "---\na: 1", map[string]any{"a": "1"}},
		{"CRLF", "---\r\na: 1\r\nb: |\r\n  x\r\n", map[string]any{"a": "1", "b": "x\n"}},
		{"BOM", "\ufeff---\na: 1\n", map[string]any{"a": "1"}},
		{"comments and blank lines", "# c\n---\n\na: 1 # c\n  # indented comment\nb: 'x' # c\n\n", map[string]any{"a": "1", "b": "x"}},
		{"directive", "--- #YAML:1.0\na: 1\n", map[string]any{"a": "1"}},
		{"scalar document", "--- hello\n", "hello"},
		{"undef document", "--- ~\n", nil},
		{"empty value is undef", "a:\nb: ~\nc: ''\n", map[string]any{"a": nil, "b": nil, "c": ""}},
		{"plain trimmed", "a: x y  \n", map[string]any{"a": "x y"}},
		{"plain with # inside", "a: x#y\n", map[string]any{"a": "x#y"}},
		{"duplicate key keeps the first", "a: 1\na: 2\n", map[string]any{"a": "1"}},
		{"zero-indented sequence", "a:\n- 1\n- k: v\n  j: w\nb: 2\n", map[string]any{"a": []any{"1", map[string]any{"k": "v", "j": "w"}}, "b": "2"}},
		{"nested compact sequences", "- - a\n  - b\n- - - c\n", []any{[]any{"a", "b"}, []any{[]any{"c"}}}},
		{"sequence indented deeper", "a:\n    - 1\n    - 2\n", map[string]any{"a": []any{"1", "2"}}},
		{"double-quoted escapes", `a: "\0\a\t\n\v\f\r\e\x41\x7e\\\"\u263a\b\q\xZZ"` + "\n",
			map[string]any{"a": "\x00\a\t\n\v\f\r\x1bA~\\\"\\u263a\\b\\q\\xZZ"}},
		{"single-quoted", "a: 'it''s # not a comment'\n", map[string]any{"a": "it's # not a comment"}},
		{"quoted keys", "\"a\\nb\": 1\n'c''d': 2\n", map[string]any{"a\nb": "1", "c'd": "2"}},
		{"literal chomping", "a: |\n  x\n\nb: |-\n  x\n\nc: |+\n  x\n\nd: |2\n   x\n", map[string]any{"a": "x\n", "b": "x", "c": "x\n\n", "d": " x\n"}},
		{"literal with comment line and indicator order", "a: |-2 # c\n    x\n  y\n", map[string]any{"a": "  x\ny"}},
		{"folded", "a: >\n  one\n  two\n\n  three\n   four\nb: 1\n", map[string]any{"a": "one two\nthree\n four\n", "b": "1"}},
		{"folded as YAML.pm folds", "a: >\n  one\n  two\n\n  three\n   four\n\n\n  five\n  six\n\n  seven\nb: >-\n  x\n\n\n  y\nc: >+\n  p\n  q\n\nd: >\n  a\n\n  b\n\n  c\n",
			map[string]any{"a": "one two\nthree\n four\n\n\nfive six\nseven\n", "b": "x\n\ny", "c": "p q\n\n", "d": "a\nb\n\nc\n"}},
		{"complex key", "? |-\n  a\n  b\n: v\n? x\n: y\n", map[string]any{"a\nb": "v", "x": "y"}},
		{"complex key in nested mapping", "a:\n  ? |-\n    k\n    l\n: v\n  b: c\n", map[string]any{"a": map[string]any{"k\nl": "v", "b": "c"}}},
		{"flow collections", "a: [x, 'y z', \"w\", [], {k: v, l: [1]}]\nb: {}\n",
			map[string]any{"a": []any{"x", "y z", "w", []any{}, map[string]any{"k": "v", "l": []any{"1"}}}, "b": map[string]any{}}},
		{"anchors and aliases", "a: &1\n  k: v\nb: *1\nc:\n  - *1\n", map[string]any{"a": shared, "b": shared, "c": []any{shared}}},
		{"anchored scalar", "a: &x hello\nb: *x\n", map[string]any{"a": "hello", "b": "hello"}},
		{"blessed", "--- !!perl/hash:A\nb: !perl/array:B\n  - 1\nc: !!perl/scalar:C x\nd: !!perl/ref:D\n  =: [1]\n",
			&perl.Object{Class: "A", Value: map[string]any{
				"b": &perl.Object{Class: "B", Value: []any{"1"}},
				"c": &perl.Object{Class: "C", Value: &perl.Ref{Value: "x"}},
				"d": &perl.Object{Class: "D", Value: &perl.Ref{Value: []any{"1"}}},
			}}},
		{"tag without class", "a: !!perl/hash\n  k: v\nb: !!perl/ref\n  =: ~\n", map[string]any{"a": map[string]any{"k": "v"}, "b": &perl.Ref{Value: nil}}},
		{"tagged scalar is not typed", "a: !!perl/scalar:C ~\n", map[string]any{"a": &perl.Object{Class: "C", Value: &perl.Ref{Value: "~"}}}},
		{"old-style tags", "a: !perl/My::C\n  k: v\nb: !perl/$Sc x\n", map[string]any{
			"a": &perl.Object{Class: "My::C", Value: map[string]any{"k": "v"}},
			"b": &perl.Object{Class: "Sc", Value: &perl.Ref{Value: "x"}}}},
		{"tags without a model are dropped", "a: !!perl/code '{ \"DUMMY\" }'\nb: !foo\n  k: v\nc: !!str 1\n",
			map[string]any{"a": `{ "DUMMY" }`, "b": map[string]any{"k": "v"}, "c": "1"}},
		{"= key", "a: 1\n=: 2\n", map[string]any{"a": "1", valueKey: "2"}},
		{"=: key read leniently", "=:x: 1\n", map[string]any{"=:x": "1"}},
		{"compact key with leading colon", "- :a: 1\n", []any{map[string]any{":a": "1"}}},
		{"raw characters YAML parsers refuse", "a: x\u0085y\u2028z\u2029\u007f\u0080\ufeff\n", map[string]any{"a": "x\u0085y\u2028z\u2029\u007f\u0080\ufeff"}},
		{"tab in a value", "a: x\ty\n", map[string]any{"a": "x\ty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Unmarshal([]byte(tt.in))
			if err != nil {
				t.Fatalf("Unmarshal(%q): %v", tt.in, err)
			}
			if d := diff(got, tt.want); d != "" {
				t.Fatalf("Unmarshal(%q): %s", tt.in, d)
			}
		})
	}
}

// TestAliasShares checks that an alias yields the anchored value itself,
// as in Perl, and that Marshal writes it back with an anchor.
func TestAliasShares(t *testing.T) {
	in := "---\na: &1\n  k: v\nb: *1\n"
	v, err := Unmarshal([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	h := v.(map[string]any)
	h["a"].(map[string]any)["k"] = "changed"
	if h["b"].(map[string]any)["k"] != "changed" {
		t.Fatal("the alias is a copy, not the anchored hash")
	}
	out, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := "---\na: &1\n  k: changed\nb: *1\n"; string(out) != want {
		t.Fatalf("Marshal = %q, want %q", out, want)
	}
}

func TestUnmarshalErrors(t *testing.T) {
	tests := []struct {
		name, in string
	}{
		{"empty", ""},
		{"only comments", "# nothing\n\n"},
		{"control character", "a: x\x01\n"},
		{"not UTF-8", "a: caf\xe9\n"},
		{"unterminated double", "a: \"x\n"},
		{"unterminated single", "a: 'x\n"},
		{"trailing backslash", "a: \"x\\\n"},
		{"text after quoted", "a: 'x' y\n"},
		{"bad indentation", "a: 1\n  b: 2\n"},
		{"sequence in mapping", "a: 1\n- b\n"},
		{"not a mapping entry", "a: 1\nb\n"},
		{"unknown alias", "a: *1\n"},
		{"cycle", "a: &1\n  b: *1\n"},
		{"alias with anchor", "a: &2 *1\n"},
		{"two anchors", "a: &1 &2 x\n"},
		{"two tags", "a: !a !b x\n"},
		{"ref without =", "a: !!perl/ref\n  b: 1\n"},
		{"ref with more keys", "a: !!perl/ref\n  =: 1\n  b: 2\n"},
		{"blessed scalar in hash tag", "a: !!perl/hash:C x\n"},
		{"two documents", "--- 1\n--- 2\n"},
		{"block indicator 0", "a: |0\n  x\n"},
		{"text after block header", "a: | x\n  y\n"},
		{"complex key without value", "? a\n"},
		{"complex key without colon", "? a\nb: 1\n"},
		{"collection as key", "? [a]\n: 1\n"},
		{"bad flow", "a: [x, y\n"},
		{"flow mapping without colon", "a: {x y}\n"},
		{"too deep", strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1) + "\n"},
		{"alias bomb", aliasBomb()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Unmarshal([]byte(tt.in))
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("Unmarshal(%.80q) = %#v, %v; want an ErrSyntax", tt.in, v, err)
			}
		})
	}
}

// aliasBomb is a "billion laughs": each level aliases the one before ten
// times, so that following every alias would make 10^30 values.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 30; i++ {
		p := "*a" + itoa(i-1)
		b.WriteString("a" + itoa(i) + ": &a" + itoa(i) + " [" + strings.Repeat(p+", ", 9) + p + "]\n")
	}
	return b.String()
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// TestMarshalShared: shared references get anchors, empty ones do not (a
// nil map has no identity of its own), and a cycle is an error.
func TestMarshalShared(t *testing.T) {
	m := map[string]any{"k": "v"}
	l := []any{"x"}
	o := &perl.Object{Class: "C", Value: map[string]any{"a": "1"}}
	r := &perl.Ref{Value: "s"}
	v := map[string]any{"a": m, "b": m, "c": l, "d": l, "e": o, "f": o, "g": r, "h": []any{r},
		"n1": map[string]any(nil), "n2": map[string]any(nil), "e1": []any{}, "e2": []any{}}
	got, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	want := "---\na: &1\n  k: v\nb: *1\nc: &2\n  - x\nd: *2\ne: &3 !!perl/hash:C\n  a: 1\ne1: []\ne2: []\nf: *3\ng: &4 !!perl/ref\n  =: s\nh:\n  - *4\nn1: {}\nn2: {}\n"
	if string(got) != want {
		t.Fatalf("Marshal =\n%s\nwant\n%s", got, want)
	}
	cyclic := map[string]any{}
	cyclic["self"] = []any{cyclic}
	if _, err := Marshal(cyclic); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Marshal(cycle) = %v, want ErrUnsupported", err)
	}
}

func TestMarshalErrors(t *testing.T) {
	deep := any("x")
	for range MaxDepth + 1 {
		deep = []any{deep}
	}
	for name, v := range map[string]any{
		"bad UTF-8 value":    map[string]any{"k": "caf\xe9"},
		"bad UTF-8 key":      map[string]any{"caf\xe9": "v"},
		"object of a scalar": &perl.Object{Class: "C", Value: "x"},
		"object of nil ref":  &perl.Object{Class: "C", Value: (*perl.Ref)(nil)},
		"bad class":          &perl.Object{Class: "My Class", Value: map[string]any{}},
		"class with colon":   &perl.Object{Class: "A:B", Value: map[string]any{}},
		"empty class":        &perl.Object{Class: "", Value: map[string]any{}},
		"struct":             struct{ X int }{1},
		"too deep":           deep,
	} {
		if _, err := Marshal(v); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: Marshal = %v, want ErrUnsupported", name, err)
		}
	}
	// Go values outside the model are normalized first.
	got, err := Marshal(map[string]any{"n": 7, "l": []string{"a"}, "m": map[string]int{"x": 1}})
	if err != nil || string(got) != "---\nl:\n  - a\nm:\n  x: 1\nn: 7\n" {
		t.Fatalf("Marshal of plain Go values = %q, %v", got, err)
	}
}

// TestLargeInputs reads inputs of a few megabytes shaped to hit quadratic
// paths (folding, long lines, wide collections, repeated aliases); each
// must take time in proportion to its size.
func TestLargeInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	lines := strings.Repeat("  word\n", 200000)
	var flow strings.Builder
	flow.WriteString("a: [")
	for range 200000 {
		flow.WriteString("x, ")
	}
	flow.WriteString("y]\n")
	var aliases strings.Builder
	aliases.WriteString("a: &a [1, 2, 3]\nb:\n")
	for range 100000 {
		aliases.WriteString("  - *a\n")
	}
	var keys strings.Builder
	for i := range 100000 {
		keys.WriteString("k" + itoa(i) + ": v\n")
	}
	for name, in := range map[string]string{
		"folded":        "a: >\n" + lines,
		"literal":       "a: |\n" + lines,
		"long plain":    "a: " + strings.Repeat("x", 4<<20) + "\n",
		"long escapes":  "a: \"" + strings.Repeat(`\"\x41`, 500000) + "\"\n",
		"wide flow":     flow.String(),
		"many aliases":  aliases.String(),
		"many keys":     keys.String(),
		"many entries":  strings.Repeat("- a\n", 300000),
		"compact depth": strings.Repeat("- ", MaxDepth) + "x\n",
	} {
		start := time.Now()
		_, err := Unmarshal([]byte(in))
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("%s (%d bytes): %v", name, len(in), d)
		}
		if err != nil && name != "many aliases" {
			t.Errorf("%s: %v", name, err)
		}
	}
}
