package perlyaml

import (
	"strings"
	"unicode/utf8"

	"github.com/dancergo/dancergo/compat/perl"
)

// quoted reads the single- or double-quoted scalar at the front of s (one
// line, as YAML.pm allows) and returns it with the text after it. A scalar
// without escapes is a substring of the input, not a copy.
func (d *decoder) quoted(s string) (any, string, error) {
	if s[0] == '\'' {
		return d.single(s)
	}
	return d.double(s)
}

func (d *decoder) single(s string) (any, string, error) {
	var b []byte
	start := 1
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b = append(b, s[start:i+1]...)
			start = i + 2
			i++
			continue
		}
		if b == nil {
			return perl.StringValue(s[start:i]), s[i+1:], nil
		}
		b = append(b, s[start:i]...)
		return perl.StringValue(string(b)), s[i+1:], nil
	}
	return nil, "", d.errorf("unterminated single-quoted scalar")
}

// double reads a double-quoted scalar with YAML.pm's escapes: \\ \" \0 \a
// \t \n \v \f \r \e and \xHH. Any other backslash is kept as it is, as
// YAML.pm's _unescape keeps it.
func (d *decoder) double(s string) (any, string, error) {
	var b []byte
	start := 1
	for i := 1; i < len(s); i++ {
		c := s[i]
		if c == '"' {
			if b == nil {
				return perl.StringValue(s[start:i]), s[i+1:], nil
			}
			b = append(b, s[start:i]...)
			return perl.StringValue(string(b)), s[i+1:], nil
		}
		if c != '\\' {
			continue
		}
		if i+1 >= len(s) {
			break
		}
		var r rune = -1
		n := 2
		switch s[i+1] {
		case '\\':
			r = '\\'
		case '"':
			r = '"'
		case '0':
			r = 0
		case 'a':
			r = 7
		case 't':
			r = '\t'
		case 'n':
			r = '\n'
		case 'v':
			r = '\v'
		case 'f':
			r = '\f'
		case 'r':
			r = '\r'
		case 'e':
			r = 0x1b
		case 'x':
			if i+3 < len(s) && isHex(s[i+2]) && isHex(s[i+3]) {
				r = rune(unhex(s[i+2])<<4 | unhex(s[i+3]))
				n = 4
			}
		}
		if r < 0 { // not an escape: the backslash stays, the next character is read as usual
			continue
		}
		b = append(b, s[start:i]...)
		b = utf8.AppendRune(b, r)
		start = i + n
		i += n - 1
	}
	return nil, "", d.errorf("unterminated double-quoted scalar")
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// blockScalar reads a literal (|) or folded (>) block scalar whose header
// is h, as YAML.pm's _parse_block and _parse_unfold do. parent is the column
// of the enclosing collection: the lines are indented deeper, by the
// header's indentation indicator when it has one.
func (d *decoder) blockScalar(h string, parent int) (any, error) {
	folded := h[0] == '>'
	h = h[1:]
	var chomp byte
	explicit := 0
	for h != "" {
		switch c := h[0]; {
		case (c == '+' || c == '-') && chomp == 0:
			chomp = c
		case c >= '1' && c <= '9' && explicit == 0:
			explicit = int(c - '0')
		case c == '0' && explicit == 0:
			return nil, d.errorf("block indentation indicator 0")
		default:
			goto header
		}
		h = h[1:]
	}
header:
	if !isBlankOrComment(h) || h != "" && h[0] == '#' {
		return nil, d.errorf("text after block scalar header: %q", truncate(h))
	}
	ind := parent + explicit
	if explicit == 0 {
		// YAML.pm drops comment lines no deeper than the parent, then
		// takes the indentation of the first line.
		for !d.eof {
			t := d.text()
			sp := leadingSpaces(t)
			if sp < len(t) && t[sp] == '#' && sp <= parent {
				d.advance()
				continue
			}
			break
		}
		ind = parent + 1
		if !d.eof {
			t := d.text()
			if sp := leadingSpaces(t); sp > parent && sp < len(t) && !startsWithSpace(t[sp:]) {
				ind = sp
			}
		}
	}
	var buf [16]string // most block scalars are a few lines
	lines := buf[:0]
	for !d.eof {
		t := d.text()
		if _, ok := docStart(t); ok {
			break
		}
		sp := leadingSpaces(t)
		switch {
		case sp >= ind:
			lines = append(lines, t[ind:])
		case isWhite(t):
			lines = append(lines, "")
		case t[sp] == '#':
			// YAML.pm throws away a shallower comment line, and the
			// comment lines right after it.
			for d.advance(); !d.eof && isComment(d.text()); d.advance() {
			}
			continue
		default:
			goto done
		}
		d.advance()
	}
done:
	if folded {
		return unfold(lines, chomp), nil
	}
	return literal(lines, chomp), nil
}

// literal joins the lines of a literal block scalar, each ending in a line
// break, and chomps the result: "+" keeps the final breaks, "-" strips them
// all, and the default clips them to one. It allocates the result only.
func literal(lines []string, chomp byte) string {
	if chomp != '+' {
		// Only empty lines make final breaks (a line holds no '\n').
		for len(lines) > 0 && lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		if len(lines) == 0 && chomp == 0 {
			return "\n"
		}
	}
	n := 0
	for _, l := range lines {
		n += len(l) + 1
	}
	if chomp == '-' && n > 0 {
		n-- // no break after the last line
	}
	var b strings.Builder
	b.Grow(n)
	for i, l := range lines {
		b.WriteString(l)
		if i < len(lines)-1 || chomp != '-' {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// unfold is YAML.pm's _parse_unfold: a line break between two lines that
// start with non-space becomes a space; between such a line and the next
// one after empty lines, one of the breaks goes; then chomping.
func unfold(lines []string, chomp byte) string {
	startsText := func(s string) bool { return s != "" && !startsWithSpace(s) }
	// Runs of text lines are joined with spaces; joined holds the [start,
	// end) line ranges of the resulting lines.
	type run struct{ start, end int }
	var joined []run
	for i, l := range lines {
		if i > 0 && startsText(lines[i-1]) && startsText(l) {
			joined[len(joined)-1].end = i + 1
			continue
		}
		joined = append(joined, run{i, i + 1})
	}
	var b strings.Builder
	write := func(r run) {
		for i := r.start; i < r.end; i++ {
			if i > r.start {
				b.WriteByte(' ')
			}
			b.WriteString(lines[i])
		}
		b.WriteByte('\n')
	}
	text := func(r run) bool { return startsText(lines[r.start]) }
	for i := 0; i < len(joined); i++ {
		write(joined[i])
		if !text(joined[i]) {
			continue
		}
		j := i + 1
		for j < len(joined) && lines[joined[j].start] == "" {
			j++
		}
		if j > i+1 && j < len(joined) && text(joined[j]) {
			// drop one break; the line at j cannot start another such run
			for k := i + 2; k < j; k++ {
				b.WriteByte('\n')
			}
			write(joined[j])
			i = j
		}
	}
	s := b.String()
	if chomp != '+' {
		s = strings.TrimRight(s, "\n")
	}
	if chomp == 0 {
		s += "\n"
	}
	return s
}

// token returns the front of s up to whitespace, and the rest.
func token(s string) (string, string) {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' || s[i] == '\t' {
			return s[:i], s[i:]
		}
	}
	return s, ""
}

func isSpaceByte(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }

// trimSpaces trims spaces and tabs at both ends.
func trimSpaces(s string) string {
	i, j := 0, len(s)
	for i < j && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	for j > i && (s[j-1] == ' ' || s[j-1] == '\t') {
		j--
	}
	return s[i:j]
}

// trimRightSpace trims Perl whitespace (Unicode) at the end.
func trimRightSpace(s string) string {
	for s != "" {
		if c := s[len(s)-1]; c < utf8.RuneSelf {
			if !isSpaceByte(c) {
				break
			}
			s = s[:len(s)-1]
			continue
		}
		r, size := utf8.DecodeLastRuneInString(s)
		if !isSpace(r) {
			break
		}
		s = s[:len(s)-size]
	}
	return s
}

func leadingSpaces(s string) int {
	i := 0
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

func isSeqEntry(c string) bool {
	return c == "-" || len(c) > 1 && c[0] == '-' && (c[1] == ' ' || c[1] == '\t')
}

// isWhite reports whether s is only Perl whitespace.
func isWhite(s string) bool { return trimRightSpace(s) == "" }

// isComment reports whether s is a comment line (^ *#).
func isComment(s string) bool {
	sp := leadingSpaces(s)
	return sp < len(s) && s[sp] == '#'
}

// isBlankOrComment is YAML.pm's ^\s*(#|$).
func isBlankOrComment(s string) bool {
	if s != "" && s[0] > ' ' && s[0] < utf8.RuneSelf {
		return s[0] == '#'
	}
	for s != "" {
		r, size := utf8.DecodeRuneInString(s)
		if r == '#' {
			return true
		}
		if !isSpace(r) {
			return false
		}
		s = s[size:]
	}
	return true
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
