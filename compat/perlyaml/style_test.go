package perlyaml

import (
	"math"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/compat/perl"
)

// styleCase is one value written in the document {k: value}; want is the
// text after "k:" (up to the end of the document).
type styleCase struct {
	name  string
	value any
	want  string
	// goOnly marks values JSON cannot carry to Perl for the cross-check
	// (NaN, Inf), or that YAML.pm writes differently on purpose.
	goOnly bool
}

var long = strings.Repeat("long text ", 3) // 30 characters

var styleCases = []styleCase{
	// Rule 1: undef.
	{"undef", nil, " ~\n", false},

	// Rule 2: C0 controls other than tab and newline force double quotes,
	// with YAML.pm's escapes.
	{"control x01", "a\x01b", ` "a\x01b"` + "\n", false},
	{"NUL", "\x00", ` "\0"` + "\n", false},
	{"BEL", "\a", ` "\a"` + "\n", false},
	{"BS", "\b", ` "\x08"` + "\n", false},
	{"VT", "\v", ` "\v"` + "\n", false},
	{"FF", "\f", ` "\f"` + "\n", false},
	{"CR", "a\rb", ` "a\rb"` + "\n", false},
	{"ESC", "\x1b[0m", ` "\e[0m"` + "\n", false},
	{"x1f", "\x1f", ` "\x1f"` + "\n", false},
	{"control with tab, backslash, quote", "t\tb\\q\"\x02", ` "t\tb\\q\"\x02"` + "\n", false},
	{"control with newline", long + "\n" + long + "\x03", ` "` + long + `\n` + long + `\x03"` + "\n", false},

	// Rule 3: newlines.
	{"short multi-line", "x\ny", ` "x\ny"` + "\n", false},
	{"30 chars multi-line", "line one\n" + strings.Repeat("x", 21), ` "line one\n` + strings.Repeat("x", 21) + `"` + "\n", false},
	{"31 chars multi-line", "line one\n" + strings.Repeat("x", 22), " |-\n  line one\n  " + strings.Repeat("x", 22) + "\n", false},
	{"long, only whitespace after the newline", long + "\n \n\t ", ` "` + long + `\n \n\t "` + "\n", false},
	{"block, one trailing newline", long + "\nline two\n", " |\n  " + long + "\n  line two\n", false},
	{"block, no trailing newline", long + "\nline two", " |-\n  " + long + "\n  line two\n", false},
	{"block, two trailing newlines", long + "\nline two\n\n", " |+\n  " + long + "\n  line two\n\n", false},
	{"block, three trailing newlines", long + "\nx\n\n\n", " |+\n  " + long + "\n  x\n  \n\n", false},
	{"block, leading space", "  " + long + "\nx", " |-2\n    " + long + "\n  x\n", false},
	{"block, leading newline", "\n" + long + "\nx\n", " |2\n  \n  " + long + "\n  x\n", false},
	{"block, leading tab, +", "\t" + long + "\nx\n\n", " |+2\n  \t" + long + "\n  x\n\n", false},
	{"block, interior empty and white lines", long + "\n\n  \nx", " |-\n  " + long + "\n  \n    \n  x\n", false},
	{"block, trailing spaces kept", long + "  \nx  ", " |-\n  " + long + "  \n  x  \n", false},
	{"block, looks like YAML", "- a: b\n# c\n---\n'd': \"e\" " + long, " |-\n  - a: b\n  # c\n  ---\n  'd': \"e\" " + long + "\n", false},
	{"block, unicode line separators", long + "\u2028\u2029\u0085\nx", " |-\n  " + long + "\u2028\u2029\u0085\n  x\n", false},
	{"block, leading U+2028", "\u2028" + long + "\nx", " |-2\n  \u2028" + long + "\n  x\n", false},

	// Rule 4: Perl numbers are plain.
	{"int", int64(42), " 42\n", false},
	{"negative int", int64(-7), " -7\n", false},
	{"max int64", int64(math.MaxInt64), " 9223372036854775807\n", false},
	{"float", 3.14, " 3.14\n", false},
	{"float, 15 digits", 1.0 / 3, " 0.333333333333333\n", false},
	{"float, exponent", 2.5e-7, " 2.5e-07\n", false},
	{"float, large", 1e20, " 1e+20\n", true}, // JSON gives Perl an integer
	{"Inf", math.Inf(1), " Inf\n", true},
	{"-Inf", math.Inf(-1), " -Inf\n", true},
	{"NaN", math.NaN(), " NaN\n", true},
	{"true", true, " 1\n", false},
	{"false", false, " ''\n", false},

	// Rule 5: valid plain scalars, even when they look like other types.
	{"word", "hello world", " hello world\n", false},
	{"numeric string", "007", " 007\n", false},
	{"null", "null", " null\n", false},
	{"true string", "true", " true\n", false},
	{"exponent string", "1e3", " 1e3\n", false},
	{"hex string", "0x1F", " 0x1F\n", false},
	{"dot five", ".5", " .5\n", false},
	{"colon inside", "a:b", " a:b\n", false},
	{"url", "http://x/y?z#w", " http://x/y?z#w\n", false},
	{"dash inside", "a-b", " a-b\n", false},
	{"leading dash", "-a", " -a\n", false},
	{"hash inside", "a#b", " a#b\n", false},
	{"apostrophe inside", "it's", " it's\n", false},
	{"double quote inside", `say "hi"`, ` say "hi"` + "\n", false},
	{"backslash", `a\b`, ` a\b` + "\n", false},
	{"tab inside", "a\tb", " a\tb\n", false},
	{"utf8", "café ☺ 日本", " café ☺ 日本\n", false},
	{"DEL raw", "a\x7fb", " a\x7fb\n", false},
	{"C1 raw", "a\u0080b\u009f", " a\u0080b\u009f\n", false},
	{"NEL raw inside", "a\u0085b", " a\u0085b\n", false},
	{"LS PS raw inside", "a\u2028b\u2029c", " a\u2028b\u2029c\n", false},
	{"BOM raw", "\ufeffx", " \ufeffx\n", false},
	{"question mark at end", "x?", " x?\n", false},
	{"dashes", "---", " ---\n", false},

	// Rule 5 fails, rule 7: single quotes.
	{"empty", "", " ''\n", false},
	{"dash", "-", " '-'\n", false},
	{"equals", "=", " '='\n", false},
	{"tilde", "~", " '~'\n", false},
	{"leading space", " a", " ' a'\n", false},
	{"trailing space", "a ", " 'a '\n", false},
	{"leading NBSP", "\u00a0a", " '\u00a0a'\n", false},
	{"trailing ideographic space", "a\u3000", " 'a\u3000'\n", false},
	{"trailing LS", "a\u2028", " 'a\u2028'\n", false},
	{"leading NEL", "\u0085a", " '\u0085a'\n", false},
	{"colon space", "key: value # not a comment", " 'key: value # not a comment'\n", false},
	{"colon at end", "a:", " 'a:'\n", false},
	{"colon NBSP", "a:\u00a0b", " 'a:\u00a0b'\n", false},
	{"space hash", "a #b", " 'a #b'\n", false},
	{"dash space", "a - b", " 'a - b'\n", false},
	{"question space", "a? b", " 'a? b'\n", false},
	{"brace", "a{b", " 'a{b'\n", false},
	{"bracket", "a]b", " 'a]b'\n", false},
	{"comma", "a,b", " 'a,b'\n", false},
	{"pipe at end", "a|", " 'a|'\n", false},
	{"gt at end", "a>", " 'a>'\n", false},
	{"first {", "{a", " '{a'\n", false},
	{"first [", "[a", " '[a'\n", false},
	{"first `", "`a", " '`a'\n", false},
	{"first \"", `"a"`, ` '"a"'` + "\n", false},
	{"first !", "!a", " '!a'\n", false},
	{"first @", "@a", " '@a'\n", false},
	{"first #", "#a", " '#a'\n", false},
	{"first >", ">a", " '>a'\n", false},
	{"first |", "|a", " '|a'\n", false},
	{"first %", "%a", " '%a'\n", false},
	{"first &", "&a", " '&a'\n", false},
	{"first ?", "?a", " '?a'\n", false},
	{"first *", "*a", " '*a'\n", false},
	{"first ^", "^a", " '^a'\n", false},

	// Rule 6: not plain and holding an apostrophe: double quotes.
	{"apostrophe, leading space", " it's", ` " it's"` + "\n", false},
	{"apostrophe, colon space", "it's: x", ` "it's: x"` + "\n", false},
	{"apostrophes quoted", "'a'", ` "'a'"` + "\n", false},
	{"apostrophe and backslash", `'\`, ` "'\\"` + "\n", false},

	// Layout.
	{"empty hash", map[string]any{}, " {}\n", false},
	{"empty array", []any{}, " []\n", false},
	{"blessed empty hash", &perl.Object{Class: "C", Value: map[string]any{}}, " !!perl/hash:C {}\n", false},
	{"blessed empty array", &perl.Object{Class: "C", Value: []any{}}, " !!perl/array:C []\n", false},
	{"nested hash", map[string]any{"b": "1", "a": map[string]any{"c": nil}}, "\n  a:\n    c: ~\n  b: 1\n", false},
	{"array under key", []any{"x", nil}, "\n  - x\n  - ~\n", false},
	{"compact hash in array", []any{map[string]any{"k": "v", "j": []any{"1"}}}, "\n  - j:\n      - 1\n    k: v\n", false},
	{"blessed hash in array", []any{&perl.Object{Class: "My::User", Value: map[string]any{"n": "a"}}}, "\n  - !!perl/hash:My::User\n    n: a\n", false},
	{"array in array", []any{[]any{"a"}, []any{}}, "\n  -\n    - a\n  - []\n", false},
	{"block in array", []any{long + "\nx"}, "\n  - |-\n    " + long + "\n    x\n", false},
	{"block in compact hash", []any{map[string]any{"k": long + "\nx"}}, "\n  - k: |-\n      " + long + "\n      x\n", false},
	{"scalar ref", &perl.Ref{Value: "v"}, " !!perl/ref\n  =: v\n", false},
	{"ref to ref", &perl.Ref{Value: &perl.Ref{Value: nil}}, " !!perl/ref\n  =: !!perl/ref\n    =: ~\n", false},
	{"ref to array", &perl.Ref{Value: []any{"a"}}, " !!perl/ref\n  =:\n    - a\n", false},
	{"blessed scalar", &perl.Object{Class: "C", Value: &perl.Ref{Value: "x y"}}, " !!perl/scalar:C x y\n", false},
	{"blessed scalar, quoted", &perl.Object{Class: "C", Value: &perl.Ref{Value: ""}}, " !!perl/scalar:C ''\n", false},
	{"blessed ref to a hash", &perl.Object{Class: "C", Value: &perl.Ref{Value: map[string]any{"a": "b"}}}, " !!perl/ref:C\n  =:\n    a: b\n", false},
	{"blessed array", &perl.Object{Class: "C", Value: []any{"a"}}, " !!perl/array:C\n  - a\n", false},
	{"hash with the = key", map[string]any{valueKey: "v", "a": "1"}, "\n  a: 1\n  =: v\n", false},

	// Keys.
	{"key empty", map[string]any{"": "v"}, "\n  '': v\n", false},
	{"key quoted", map[string]any{"a b ": "v", "x: y": "w"}, "\n  'a b ': v\n  'x: y': w\n", false},
	{"key with a newline", map[string]any{"a\nb": "v"}, "\n  \"a\\nb\": v\n", false},
	{"key multi-line", map[string]any{long + "\nx": "v"}, "\n  ? |-\n    " + long + "\n    x\n: v\n", false},
	{"key sort order", map[string]any{"b": "", "B": "", "é": "", "a": "", "_": "", "1": ""}, "\n  1: ''\n  B: ''\n  _: ''\n  a: ''\n  b: ''\n  é: ''\n", false},

	// Where YAML.pm's loader misreads YAML.pm's own output, Marshal
	// departs from it.
	{"compact first key with \\\" (YAML.pm: \\\")", []any{map[string]any{"say \"x\"\x01": "1"}}, "\n  - \"say \\x22x\\x22\\x01\": 1\n", true},
	{"compact first key with \\\": (kept)", []any{map[string]any{"a\": b\x01": "1"}}, "\n  - \"a\\\": b\\x01\": 1\n", false},
	{"entry with \\\": (YAML.pm: \\\")", []any{"a\": b\x01"}, "\n  - \"a\\x22: b\\x01\"\n", true},
	{"entry with \\\" (kept)", []any{"say \"x\"\x01"}, "\n  - \"say \\\"x\\\"\\x01\"\n", false},
	{"compact first key with leading colon (YAML.pm: plain)", []any{map[string]any{":a": "1"}}, "\n  - ':a': 1\n", true},
	{"leading colon key not first (kept)", []any{map[string]any{":a": "1", "0": "2"}}, "\n  - 0: 2\n    :a: 1\n", false},
	{"key =: (YAML.pm: plain)", map[string]any{"=:x": "1"}, "\n  '=:x': 1\n", true},
	{"key = : (YAML.pm: plain)", map[string]any{"= :x": "1"}, "\n  '= :x': 1\n", true},
	{"blessed ref to undef (YAML.pm: stringified reference)", &perl.Object{Class: "C", Value: &perl.Ref{Value: nil}}, " !!perl/ref:C\n  =: ~\n", true},
}

func TestStyle(t *testing.T) {
	for _, tc := range styleCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Marshal(map[string]any{"k": tc.value})
			if err != nil {
				t.Fatal(err)
			}
			if want := "---\nk:" + tc.want; string(got) != want {
				t.Fatalf("Marshal(%q)\n got %q\nwant %q", tc.value, got, want)
			}
			back, err := Unmarshal(got)
			if err != nil {
				t.Fatalf("Unmarshal(%q): %v", got, err)
			}
			if d := diff(back, map[string]any{"k": perlView(tc.value)}); d != "" {
				t.Fatalf("Unmarshal(%q): %s", got, d)
			}
		})
	}
}

// TestStyleIsYAMLpm checks the table against YAML.pm itself: it dumps
// every value to the text the table expects, and loads Go's text back to
// the value.
func TestStyleIsYAMLpm(t *testing.T) {
	needPerl(t)
	var (
		forms []any
		cases []styleCase
	)
	for _, tc := range styleCases {
		if !tc.goOnly {
			forms = append(forms, perl.ToJSONValue(map[string]any{"k": tc.value}))
			cases = append(cases, tc)
		}
	}
	var dumps []string
	yamlPM(t, "dump", forms, &dumps)
	for i, tc := range cases {
		if want := "---\nk:" + tc.want; dumps[i] != want {
			t.Errorf("%s: YAML.pm dumps %q, the table says %q", tc.name, dumps[i], want)
		}
	}
	var docs []string
	for _, tc := range styleCases {
		b, err := Marshal(map[string]any{"k": tc.value})
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(b))
	}
	var loaded []struct {
		Value any
		Error string
	}
	yamlPM(t, "load", docs, &loaded)
	for i, tc := range styleCases {
		if loaded[i].Error != "" {
			t.Errorf("%s: YAML.pm cannot load %q: %s", tc.name, docs[i], loaded[i].Error)
			continue
		}
		got, err := perl.FromJSONValue(loaded[i].Value)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(got, map[string]any{"k": perlView(tc.value)}); d != "" {
			t.Errorf("%s: YAML.pm loads %q: %s", tc.name, docs[i], d)
		}
	}
}

// documentCases are values written as a whole document.
var documentCases = []struct {
	name  string
	value any
	want  string
}{
	{"string", "hello", "--- hello\n"},
	{"undef", nil, "--- ~\n"},
	{"empty hash", map[string]any{}, "--- {}\n"},
	{"empty array", []any{}, "--- []\n"},
	{"array", []any{"a", map[string]any{"k": "v"}}, "---\n- a\n- k: v\n"},
	{"blessed empty hash", &perl.Object{Class: "Dancer::Session::YAML", Value: map[string]any{}}, "--- !!perl/hash:Dancer::Session::YAML {}\n"},
	{"block", long + "\nx\n", "--- |\n" + long + "\nx\n"},
	{"block starting with a space (YAML.pm: |2, unreadable)", " " + long + "\nx", `--- " ` + long + `\nx"` + "\n"},
	{"scalar ref", &perl.Ref{Value: " " + long + "\nx"}, "--- !!perl/ref\n=: |-2\n   " + long + "\n  x\n"},
}

func TestDocuments(t *testing.T) {
	var docs []string
	for _, tc := range documentCases {
		got, err := Marshal(tc.value)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("%s: Marshal = %q, want %q", tc.name, got, tc.want)
		}
		back, err := Unmarshal(got)
		if err != nil {
			t.Errorf("%s: Unmarshal(%q): %v", tc.name, got, err)
		} else if d := diff(back, tc.value); d != "" {
			t.Errorf("%s: Unmarshal(%q): %s", tc.name, got, d)
		}
		docs = append(docs, string(got))
	}
	needPerl(t)
	var loaded []struct {
		Value any
		Error string
	}
	yamlPM(t, "load", docs, &loaded)
	for i, tc := range documentCases {
		got, err := perl.FromJSONValue(loaded[i].Value)
		if loaded[i].Error != "" || err != nil {
			t.Errorf("%s: YAML.pm cannot load %q: %s %v", tc.name, docs[i], loaded[i].Error, err)
		} else if d := diff(got, tc.value); d != "" {
			t.Errorf("%s: YAML.pm loads %q: %s", tc.name, docs[i], d)
		}
	}
}

// TestChooseStyleFastPath checks the fast path against the full rules on
// every short ASCII string.
func TestChooseStyleFastPath(t *testing.T) {
	alphabet := []byte(" aZ09_.,/+()$;<=@-:?#'\"{}[]|>~!&*%^`\t\n\x01")
	var check func(prefix []byte, n int)
	check = func(prefix []byte, n int) {
		s := string(prefix)
		got, _ := chooseStyle(s)
		want, _ := chooseStyleSlow(s)
		if got != want {
			t.Fatalf("chooseStyle(%q) = %v, rules say %v", s, got, want)
		}
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			check(append(prefix, c), n-1)
		}
	}
	check(nil, 3)
}
