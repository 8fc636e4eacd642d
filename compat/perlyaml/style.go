package perlyaml

import (
	"unicode"
	"unicode/utf8"
)

// style is how a scalar is written.
type style uint8

const (
	stylePlain style = iota
	styleSingle
	styleDouble
	styleBlock
)

// chooseStyle is YAML::Dumper::_emit_str's choice for a defined, non-numeric
// string (spec §2.3, rules 2, 3, 5, 6 and 7). ok is false when s is not
// valid UTF-8.
//
// Perl's \s, which the rules use, is Unicode whitespace for the character
// strings Dancer handles (decoded parameters, values read back through an
// UTF-8 layer); isSpace is the same set.
func chooseStyle(s string) (st style, ok bool) {
	// Most strings are words, numbers and ids: plain without a second look.
	i := 0
scan:
	for i < len(s) {
		switch c := s[i]; {
		case plainASCII[c]:
		case (c == '-' || c == ':') && i+1 < len(s) && s[i+1] != ' ':
			// not "- ", ": ", a final ':' or "-" alone (dates, times, URLs)
		case c == '@' && i > 0:
		default:
			break scan
		}
		i++
	}
	if i == len(s) && s != "" && s[0] != ' ' && s[len(s)-1] != ' ' {
		return stylePlain, true
	}
	return chooseStyleSlow(s)
}

// plainASCII marks the ASCII characters no style rule looks at, and the
// space (which the fast path checks is neither first nor last; the
// characters that matter next to a space are not marked).
var plainASCII = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range " _./+()$;<" {
		t[c] = true
	}
	return t
}()

func chooseStyleSlow(s string) (st style, ok bool) {
	var (
		escape, newline, apostrophe bool
		plain                       = s != "" && s != "-" && s != "="
		nonSpaceAfterNL             bool
		runes                       int
		prev                        rune = -1
	)
	for i := 0; i < len(s); {
		r := rune(s[i])
		size := 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return 0, false
			}
		}
		space := isSpace(r)
		switch {
		case r == '\n':
			newline = true
		case r < 0x20 && r != '\t':
			escape = true
		case r == '\'':
			apostrophe = true
		}
		if newline && !space {
			nonSpaceAfterNL = true
		}
		if plain {
			if i == 0 && (space || isPlainFirstForbidden(r)) {
				plain = false
			}
			switch r {
			case '{', '[', ']', '}', ',':
				plain = false
			case '#':
				if isSpace(prev) {
					plain = false
				}
			}
			if space && (prev == ':' || prev == '-' || prev == '?') {
				plain = false
			}
		}
		prev = r
		runes++
		i += size
	}
	if plain && (isSpace(prev) || prev == '|' || prev == '>' || prev == ':') {
		plain = false
	}
	switch {
	case escape:
		return styleDouble, true
	case newline:
		if runes <= 30 || !nonSpaceAfterNL {
			return styleDouble, true
		}
		return styleBlock, true
	case plain:
		return stylePlain, true
	case apostrophe:
		return styleDouble, true
	}
	return styleSingle, true
}

// isPlainFirstForbidden reports the characters is_valid_plain refuses at the
// start of a plain scalar (besides whitespace).
func isPlainFirstForbidden(r rune) bool {
	switch r {
	case '{', '[', '~', '`', '\'', '"', '!', '@', '#', '>', '|', '%', '&', '?', '*', '^':
		return true
	}
	return false
}

// isSpace is Perl's \s on character strings: Unicode White_Space, which is
// also Go's unicode.IsSpace.
func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || r >= '\t' && r <= '\r'
	}
	return unicode.IsSpace(r)
}

// startsWithSpace reports whether s starts with Perl's \s (the block
// scalar's "2" indentation indicator).
func startsWithSpace(s string) bool {
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return isSpace(r)
}

// escapes are YAML::Dumper's escapes for the C0 controls.
var escapes = [32]string{
	`\0`, `\x01`, `\x02`, `\x03`, `\x04`, `\x05`, `\x06`, `\a`,
	`\x08`, `\t`, `\n`, `\v`, `\f`, `\r`, `\x0e`, `\x0f`,
	`\x10`, `\x11`, `\x12`, `\x13`, `\x14`, `\x15`, `\x16`, `\x17`,
	`\x18`, `\x19`, `\x1a`, `\e`, `\x1c`, `\x1d`, `\x1e`, `\x1f`,
}

// appendDouble appends s double-quoted as YAML::Dumper::_emit_double does:
// backslash, the C0 controls and the double quote escaped, everything else
// raw. With x22 the double quote is written \x22 instead of \" (which
// YAML.pm's loader also reads), for the places where \" confuses it.
func appendDouble(b []byte, s string, x22 bool) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var esc string
		switch {
		case c < 0x20:
			esc = escapes[c]
		case c == '\\':
			esc = `\\`
		case c == '"':
			esc = `\"`
			if x22 {
				esc = `\x22`
			}
		default:
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, esc...)
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendSingle appends s single-quoted, doubling any apostrophe.
func appendSingle(b []byte, s string) []byte {
	b = append(b, '\'')
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			b = append(b, s[start:i+1]...)
			b = append(b, '\'')
			start = i + 1
		}
	}
	b = append(b, s[start:]...)
	return append(b, '\'')
}

// appendBlock appends s as a literal block scalar whose lines are indented
// by indent spaces, as YAML::Dumper::_emit_block and indent do: the header
// (| with chomping - / none / + for no, one, several trailing newlines, and
// 2 when s starts with whitespace), then every line indented, except the
// empty text after the last newline. It ends with a newline.
func appendBlock(b []byte, s string, indent int) []byte {
	trailing := 0
	for i := len(s) - 1; i >= 0 && s[i] == '\n'; i-- {
		trailing++
	}
	b = append(b, '|')
	switch {
	case trailing == 0:
		b = append(b, '-')
	case trailing > 1:
		b = append(b, '+')
	}
	if startsWithSpace(s) {
		b = append(b, '2')
	}
	t := s
	if trailing > 0 {
		t = s[:len(s)-1]
	}
	for {
		b = append(b, '\n')
		nl := indexNL(t)
		line := t
		if nl >= 0 {
			line = t[:nl]
		}
		if nl >= 0 || line != "" {
			b = appendSpaces(b, indent)
		}
		b = append(b, line...)
		if nl < 0 {
			break
		}
		t = t[nl+1:]
	}
	return append(b, '\n')
}

func indexNL(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return i
		}
	}
	return -1
}

const spaces = "                                                                "

func appendSpaces(b []byte, n int) []byte {
	for n > len(spaces) {
		b = append(b, spaces...)
		n -= len(spaces)
	}
	if n > 0 {
		b = append(b, spaces[:n]...)
	}
	return b
}

// seqEntryNeedsX22 reports whether YAML.pm's loader would take the
// double-quoted scalar s, written at the start of a sequence entry ("- "),
// for a "key": value mapping: its _parse_seq looks for a " followed by
// \s*: and a space, and cannot step over the first \" of the text.
func seqEntryNeedsX22(s string) bool {
	return firstQuoteLooksLikeKey(s) == 1
}

// compactKeyNeedsX22 reports whether YAML.pm's loader would fail to see a
// compact "- key: value" mapping whose first key is s, double-quoted: it
// cannot step over a \" unless that one is followed by \s*: and a space.
func compactKeyNeedsX22(s string) bool {
	return firstQuoteLooksLikeKey(s) == 0
}

// firstQuoteLooksLikeKey returns -1 when s has no double quote, 1 when its
// first one is followed by Perl whitespace (that survives escaping), a colon
// and a space, and 0 otherwise.
func firstQuoteLooksLikeKey(s string) int {
	q := -1
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			q = i
			break
		}
	}
	if q < 0 {
		return -1
	}
	rest := s[q+1:]
	for rest != "" {
		r, size := utf8.DecodeRuneInString(rest)
		// Tab and the other C0 spaces are escaped, so they are not
		// whitespace in the written text.
		if r == ' ' || r >= utf8.RuneSelf && isSpace(r) {
			rest = rest[size:]
			continue
		}
		break
	}
	if len(rest) >= 2 && rest[0] == ':' && rest[1] == ' ' {
		return 1
	}
	return 0
}

// looksLikeValueKey reports whether YAML.pm's loader would take the plain
// key k for its "=" key: it matches ^=\s*: (and the rest of the line is
// then misread).
func looksLikeValueKey(k string) bool {
	if k == "" || k[0] != '=' {
		return false
	}
	for _, r := range k[1:] {
		if r == ':' {
			return true
		}
		if !isSpace(r) {
			return false
		}
	}
	return false
}
