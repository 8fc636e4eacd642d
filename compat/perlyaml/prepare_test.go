package perlyaml

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestPrepareControls checks the word-at-a-time scan of prepare against the
// rule it implements, for every byte value at every position of a word and
// in the tail: a byte below 0x20 other than tab, newline and CR is refused
// (with the number of its line), a CR becomes a newline, anything else is
// kept.
func TestPrepareControls(t *testing.T) {
	for _, size := range []int{7, 8, 9, 16, 21} {
		for pos := range size {
			for c := range 256 {
				in := []byte(strings.Repeat("a\nbcdefg", 4)[:size])
				if c >= 0x80 {
					continue // UTF-8 is checked apart
				}
				in[pos] = byte(c)
				src, err := prepare(in)
				switch {
				case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
					line := fmt.Sprintf("line %d:", 1+strings.Count(string(in[:pos]), "\n"))
					if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), line) {
						t.Fatalf("prepare(%q) = %v; want a syntax error at %s", in, err, line)
					}
				case err != nil:
					t.Fatalf("prepare(%q): %v", in, err)
				case c == '\r' && strings.Contains(src, "\r"):
					t.Fatalf("prepare(%q) = %q, kept the CR", in, src)
				}
			}
		}
	}
}

// TestControls checks the bit trick of controls on words that mix every
// byte value with bytes that must not be flagged.
func TestControls(t *testing.T) {
	for c := range 256 {
		for pos := range 8 {
			var w uint64
			for i := range 8 {
				b := uint64('a')
				if i == pos {
					b = uint64(c)
				} else if i == (pos+3)%8 {
					b = '\n' // a neighbour that is below 0x20 but allowed
				}
				w |= b << (8 * i)
			}
			want := uint64(0)
			if c < 0x20 && c != '\t' && c != '\n' {
				want = 0x80 << (8 * pos)
			}
			if got := controls(w); got != want {
				t.Fatalf("controls(%#016x) = %#016x; want %#016x", w, got, want)
			}
		}
	}
}
