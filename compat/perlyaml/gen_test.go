package perlyaml

import (
	"math"
	"math/rand/v2"
	"strings"

	"github.com/dancergo/dancergo/compat/perl"
)

// pieces are the bits random strings are made of: whatever YAML.pm's style
// rules and loader look at.
var pieces = []string{
	"a", "b", "Z", "0", "7", "x y", " ", "  ", ":", "-", "?", "#", "'", "\"", "\\", "\n", "\n\n", "\t",
	"\r", "\x01", "\x08", "\x1b", "\x00", "\x0b", "|", ">", "[", "]", "{", "}", ",", "~", "=", "!",
	"&", "*", "%", "@", "`", "^", ".", "/", "é", "☺", "日本", "\u00a0", "\u0085", "\u2028", "\u2029",
	"\u007f", "\u0080", "\u009f", "\ufeff", "\u3000", `\x41`, `\n`, "---", "...", "- ", ": ", " #",
	"\\\"", "null", "true", "007", "1e3", "0x1F", ".5", "long text here ", "long text here\n",
	"\n  indented line", "=:", "? ", "\"x\": ", "&1", "*1", "!!perl/hash:X",
}

// gen makes random values of the model; shared says whether a container
// may be reused (to exercise anchors and aliases).
type gen struct {
	r       *rand.Rand
	numbers bool // also int64, float64 and bool scalars
	// forPerl keeps to values that JSON carries to Perl unchanged and that
	// YAML.pm can dump: no Inf or NaN, no whole floats (they arrive as
	// Perl integers), no blessed reference to undef (YAML.pm writes the
	// stringified reference, "A=SCALAR(0x...)").
	forPerl bool
	shared  bool
	pool    []any
}

func (g *gen) str() string {
	n := g.r.IntN(9)
	var b strings.Builder
	for range n {
		b.WriteString(pieces[g.r.IntN(len(pieces))])
	}
	return b.String()
}

func (g *gen) scalar() any {
	switch k := g.r.IntN(20); {
	case k == 0:
		return nil
	case k == 1 && g.numbers:
		return g.r.Int64() - math.MaxInt64/2
	case k == 2 && g.numbers:
		floats := []float64{0.1, 3.14, -2.5e-7, 123456789.123456789, 1.0 / 3, 1e-5, 2e300, 1e15, 1e16, 0, math.Inf(1), math.Inf(-1), math.NaN()}
		if g.forPerl {
			floats = floats[:7]
		}
		return floats[g.r.IntN(len(floats))]
	case k == 3 && g.numbers:
		return g.r.IntN(2) == 0
	}
	return g.str()
}

func (g *gen) value(depth int) any {
	if depth >= 4 || g.r.IntN(3) == 0 {
		return g.scalar()
	}
	if g.shared && len(g.pool) > 0 && g.r.IntN(6) == 0 {
		return g.pool[g.r.IntN(len(g.pool))]
	}
	var v any
	switch g.r.IntN(8) {
	case 0, 1, 2:
		v = g.hash(depth)
	case 3, 4:
		v = g.array(depth)
	case 5:
		v = &perl.Object{Class: g.class(), Value: g.hash(depth)}
	case 6:
		switch g.r.IntN(3) {
		case 0:
			v = &perl.Object{Class: g.class(), Value: g.array(depth)}
		case 1:
			inner := g.scalar()
			for inner == nil && g.forPerl {
				inner = g.scalar()
			}
			v = &perl.Object{Class: g.class(), Value: &perl.Ref{Value: inner}}
		default:
			v = &perl.Object{Class: g.class(), Value: &perl.Ref{Value: g.hash(depth)}}
		}
	default:
		v = &perl.Ref{Value: g.value(depth + 1)}
	}
	g.pool = append(g.pool, v)
	return v
}

func (g *gen) hash(depth int) map[string]any {
	m := map[string]any{}
	for range g.r.IntN(5) {
		m[g.str()] = g.value(depth + 1)
	}
	return m
}

func (g *gen) array(depth int) []any {
	a := make([]any, g.r.IntN(5))
	for i := range a {
		a[i] = g.value(depth + 1)
	}
	return a
}

func (g *gen) class() string {
	return []string{"My::User", "A", "Foo::Bar::Baz", "Dancer::Session::YAML", "Caf\u00e9::X"}[g.r.IntN(5)]
}

// document is a random session-like document: a hash, often blessed.
func (g *gen) document() any {
	g.pool = g.pool[:0]
	h := map[string]any{}
	for range 1 + g.r.IntN(6) {
		h[g.str()] = g.value(1)
	}
	if g.r.IntN(2) == 0 {
		return &perl.Object{Class: "Dancer::Session::YAML", Value: h}
	}
	return h
}
