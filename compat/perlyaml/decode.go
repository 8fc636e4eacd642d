package perlyaml

import (
	"bytes"
	"encoding/binary"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/dancergo/dancergo/compat/perl"
)

// Unmarshal reads one YAML document as YAML.pm's loader (with
// $YAML::LoadBlessed set) reads it, into the value model of package
// github.com/dancergo/dancergo/compat/perl. Every scalar is a string; only a
// plain ~ is nil. Errors about the input wrap ErrSyntax.
func Unmarshal(data []byte) (any, error) {
	src, err := prepare(data)
	if err != nil {
		return nil, err
	}
	d := decoderPool.Get().(*decoder)
	defer d.release()
	d.reset(src)
	return d.document()
}

var decoderPool = sync.Pool{New: func() any { return new(decoder) }}

// decoder is a cursor over the lines of one document, with scratch space
// for the collections being built; it is pooled.
type decoder struct {
	src  string // the whole input, without its final newline
	pos  int    // start of the current line
	end  int    // end of the current line (its '\n' or len(src))
	ind  int    // indentation of the current line
	line int    // number of the current line, from 1
	eof  bool
	// vcol, when not negative, is the column the current line is read
	// from: the start of a compact collection after "- ".
	vcol int

	anchors map[string]anchored
	kvs     []keyValue // stack of the entries of the mappings being read
	items   []any      // stack of the entries of the sequences being read
	block   []any      // what toSlice cuts short sequences from
	depth   int
	nodes   int // values made so far, counting what aliases repeat
	budget  int // most values an input may expand to through aliases
}

type keyValue struct {
	key   string
	value any
}

type anchored struct {
	value any
	nodes int
}

func (d *decoder) reset(src string) {
	d.src = src
	d.pos, d.end, d.line, d.eof, d.vcol = 0, -1, 0, false, -1
	d.depth, d.nodes = 0, 0
	d.budget = 1<<16 + 8*len(src)
	d.advance()
}

func (d *decoder) release() {
	d.src = ""
	d.block = nil // it belongs to the values made
	clear(d.anchors)
	// The collections clear their entries as they finish, so only an
	// error leaves any on the stacks (up to their length).
	clear(d.kvs)
	d.kvs = d.kvs[:0]
	clear(d.items)
	d.items = d.items[:0]
	decoderPool.Put(d)
}

// prepare checks the input as YAML.pm does (no raw control characters but
// tab and newline, after CRLF and CR become LF) and that it is UTF-8, and
// returns it as a string without a leading BOM and its final newline.
func prepare(data []byte) (string, error) {
	cr := false
	// Eight bytes at a time: only a word with a CR or a refused byte (and
	// the tail of the input) needs a look at each of its bytes.
	for i := 0; i < len(data); {
		if len(data)-i >= 8 && controls(binary.LittleEndian.Uint64(data[i:])) == 0 {
			i += 8
			continue
		}
		for end := min(i+8, len(data)); i < end; i++ {
			switch c := data[i]; {
			case c >= 0x20, c == '\n', c == '\t':
			case c == '\r':
				cr = true
			default:
				line := 1 + bytes.Count(data[:i], []byte{'\n'})
				return "", syntaxError(line, "control character %#02x (YAML.pm refuses it too)", c)
			}
		}
	}
	var src string
	if cr {
		src = strings.ReplaceAll(string(data), "\r\n", "\n")
		src = strings.ReplaceAll(src, "\r", "\n")
	} else {
		src = string(data)
	}
	if !utf8.ValidString(src) {
		return "", syntaxError(0, "not UTF-8")
	}
	src = strings.TrimPrefix(src, "\uFEFF")
	if len(src) > 1 && src[len(src)-1] == '\n' {
		src = src[:len(src)-1]
	}
	return src, nil
}

// controls returns w, eight bytes of input, with the top bit of each byte
// set when that byte is below 0x20 but not a tab or a newline (a CR, or a
// control character YAML.pm refuses), and every other bit clear. The tests
// work on each byte's low seven bits, whose sums cannot carry into the next
// byte, so they are exact byte by byte.
func controls(w uint64) uint64 {
	const ones, low7, highs = 0x0101010101010101, 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	// b&0x7f + 0x60 reaches 0x80 when b&0x7f >= 0x20; with b's own top bit
	// that is b >= 0x20.
	below := ^(w&low7 + 0x60*ones | w) & highs
	// zero marks the zero bytes of x: b&0x7f + 0x7f reaches 0x80 unless
	// b&0x7f is 0.
	zero := func(x uint64) uint64 { return ^(x&low7 + low7 | x) & highs }
	return below &^ zero(w^'\n'*ones) &^ zero(w^'\t'*ones)
}

// advance moves to the next line.
func (d *decoder) advance() {
	d.vcol = -1
	if d.end >= len(d.src) {
		d.eof = true
		d.pos = len(d.src)
		return
	}
	d.pos = d.end + 1
	d.line++
	if i := strings.IndexByte(d.src[d.pos:], '\n'); i >= 0 {
		d.end = d.pos + i
	} else {
		d.end = len(d.src)
	}
	d.ind = leadingSpaces(d.src[d.pos:d.end])
}

// text is the current line.
func (d *decoder) text() string { return d.src[d.pos:d.end] }

// indent is the current line's indentation (or its virtual column).
func (d *decoder) indent() int {
	if d.vcol >= 0 {
		return d.vcol
	}
	return d.ind
}

// content is the current line from its indentation on.
func (d *decoder) content() string { return d.src[d.pos+d.indent() : d.end] }

// skipBlank skips lines that are empty, white or comments, as YAML.pm's
// _parse_throwaway_comments does between the entries of a collection.
func (d *decoder) skipBlank() {
	for !d.eof && d.vcol < 0 && isBlankOrComment(d.src[d.pos+d.ind:d.end]) {
		d.advance()
	}
}

func (d *decoder) errorf(format string, args ...any) error {
	return syntaxError(d.line, format, args...)
}

// document reads the one document of the input.
func (d *decoder) document() (any, error) {
	d.skipBlank()
	if d.eof {
		return nil, d.errorf("empty document")
	}
	var (
		v   any
		err error
	)
	if rest, ok := docStart(d.text()); ok {
		d.advance()
		v, err = d.node(rest, -1, false)
	} else {
		v, err = d.blockCollection(-1, false)
	}
	if err != nil {
		return nil, err
	}
	d.skipBlank()
	if !d.eof {
		if _, ok := docStart(d.text()); ok {
			return nil, d.errorf("a second document (one session is one document)")
		}
		return nil, d.errorf("unexpected text %q", truncate(d.text()))
	}
	return v, nil
}

// docStart reports whether line is a "---" header and returns what follows
// it, without YAML.pm's "#NAME:value" directives.
func docStart(line string) (string, bool) {
	if !strings.HasPrefix(line, "---") || len(line) > 3 && !isSpaceByte(line[3]) {
		return "", false
	}
	rest := trimSpaces(line[3:])
	for strings.HasPrefix(rest, "#") {
		word, after, _ := strings.Cut(rest, " ")
		if name, val, ok := strings.Cut(word[1:], ":"); !ok || name == "" || val == "" {
			break // a comment, not a directive
		}
		rest = trimSpaces(after)
	}
	return rest, true
}

// node reads a value whose text starts with rest, the end of the line just
// consumed (after "---", "key:" or "- "), and may go on over the next lines.
// parent is the column of the enclosing collection; zeroSeq allows a
// sequence at the parent's own column (a mapping value written as
// "key:\n- a").
func (d *decoder) node(rest string, parent int, zeroSeq bool) (any, error) {
	anchor, tag, rest, err := d.properties(trimSpaces(rest))
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(rest, "*") {
		if anchor != "" || tag != "" {
			return nil, d.errorf("an alias cannot have an anchor or a tag")
		}
		name, after := token(rest[1:])
		if !isBlankOrComment(after) {
			return nil, d.errorf("text after alias *%s", name)
		}
		return d.alias(name)
	}
	start := d.nodes
	var v any
	switch {
	case rest == "" || rest[0] == '#':
		v, err = d.blockCollection(parent, zeroSeq)
	case rest[0] == '|' || rest[0] == '>':
		v, err = d.blockScalar(rest, parent)
	case rest[0] == '"' || rest[0] == '\'':
		var after string
		if v, after, err = d.quoted(rest); err == nil && !isBlankOrComment(after) {
			err = d.errorf("text after quoted scalar: %q", truncate(after))
		}
	case rest[0] == '[' || rest[0] == '{':
		v, err = d.flowValue(rest)
	case tag != "":
		v = rest // YAML.pm types only untagged plain scalars: "!!perl/scalar:C ~" holds "~"
	default:
		v = plainValue(rest)
	}
	if err != nil {
		return nil, err
	}
	d.nodes++
	if tag != "" {
		if v, err = d.applyTag(tag, v); err != nil {
			return nil, err
		}
	}
	if anchor != "" {
		d.setAnchor(anchor, v, d.nodes-start)
	}
	return v, nil
}

// properties splits the anchor (&name) and tag (!tag) off the front of s.
func (d *decoder) properties(s string) (anchor, tag, rest string, err error) {
	for s != "" && (s[0] == '&' || s[0] == '!') {
		kind := s[0]
		var tok string
		tok, s = token(s[1:])
		switch {
		case kind == '&' && (tok == "" || anchor != ""):
			return "", "", "", d.errorf("bad or second anchor")
		case kind == '&':
			anchor = tok
		case tag != "":
			return "", "", "", d.errorf("a second tag")
		default:
			tag = tok
			if tag == "" {
				tag = "!" // the non-specific tag: ignored
			}
		}
		s = trimSpaces(s)
	}
	return anchor, tag, s, nil
}

func (d *decoder) setAnchor(name string, v any, nodes int) {
	if d.anchors == nil {
		d.anchors = make(map[string]anchored)
	}
	d.anchors[name] = anchored{value: v, nodes: nodes}
}

// alias returns the value of an anchor already read. An anchor still being
// read (a cycle) is not found, as the value model has no cycles.
func (d *decoder) alias(name string) (any, error) {
	a, ok := d.anchors[name]
	if !ok {
		return nil, d.errorf("alias *%s to an unknown anchor (or a cyclic structure)", name)
	}
	d.nodes += a.nodes
	if d.nodes > d.budget {
		return nil, d.errorf("aliases expand to more than %d values", d.budget)
	}
	return a.value, nil
}

// blockCollection reads the mapping or sequence that starts on the next
// non-blank line if that line is indented deeper than parent (or, with
// zeroSeq, is a "- " entry at parent's column); otherwise the value is
// empty: undef.
func (d *decoder) blockCollection(parent int, zeroSeq bool) (any, error) {
	d.skipBlank()
	if d.eof {
		return nil, nil
	}
	ind := d.indent()
	if _, ok := docStart(d.text()); ok && d.vcol < 0 {
		return nil, nil // the next document starts; document() reports it
	}
	seq := isSeqEntry(d.content())
	switch {
	case ind > parent && seq, ind == parent && zeroSeq && seq:
		return d.sequence(ind)
	case ind > parent:
		return d.mapping(ind)
	}
	return nil, nil
}

func (d *decoder) enter() error {
	d.depth++
	if d.depth > MaxDepth {
		return d.errorf("nested deeper than %d levels", MaxDepth)
	}
	return nil
}

// sequence reads the "- " entries at column col.
func (d *decoder) sequence(col int) (any, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	base := len(d.items)
	for {
		d.skipBlank()
		if d.eof {
			break
		}
		ind := d.indent()
		if ind < col {
			break
		}
		c := d.content()
		if ind > col {
			return nil, d.errorf("bad indentation (%d, the sequence is at %d)", ind, col)
		}
		if !isSeqEntry(c) {
			break // a key after a zero-indented sequence, or an error the caller sees
		}
		rest := c[1:]
		sp := leadingSpaces(rest)
		inner := rest[sp:]
		at := col + 1 + sp // the column of inner
		var (
			v   any
			err error
		)
		switch {
		case sp > 0 && isSeqEntry(inner):
			d.vcol = at
			v, err = d.sequence(at)
		case sp > 0 && looksLikeKey(inner):
			d.vcol = at
			v, err = d.mapping(at)
		default:
			d.advance()
			v, err = d.node(rest, col, false)
		}
		if err != nil {
			return nil, err
		}
		d.items = append(d.items, v)
	}
	out := d.toSlice(base)
	d.depth--
	d.nodes++
	return out, nil
}

// toSlice pops the items from base on off the stack into a slice of their
// own (empty, not nil, when there are none: YAML.pm's []).
//
// Short sequences are cut from a block shared by the sequences of one
// document, which saves an allocation per sequence; each one's capacity
// ends at its length, so that an append to it reallocates instead of
// writing over its neighbour.
func (d *decoder) toSlice(base int) []any {
	items := d.items[base:]
	var out []any
	if n := len(items); n > maxBlockItems {
		out = make([]any, n)
		copy(out, items)
	} else {
		if cap(d.block)-len(d.block) < n {
			d.block = make([]any, 0, blockItems)
		}
		start := len(d.block)
		d.block = append(d.block, items...)
		out = d.block[start:len(d.block):len(d.block)]
	}
	clear(items)
	d.items = d.items[:base]
	return out
}

// The block that short sequences are cut from holds blockItems items; a
// sequence of more than maxBlockItems has its own array. The waste, the
// end of a block too short for the next sequence, is below maxBlockItems.
const (
	blockItems    = 16
	maxBlockItems = 8
)

// mapping reads the "key: value" entries at column col.
func (d *decoder) mapping(col int) (any, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	base := len(d.kvs)
	for {
		d.skipBlank()
		if d.eof {
			break
		}
		ind := d.indent()
		if ind < col {
			break
		}
		if ind > col {
			return nil, d.errorf("bad indentation (%d, the mapping is at %d)", ind, col)
		}
		c := d.content()
		if _, ok := docStart(c); ok && d.vcol < 0 && col == 0 {
			break
		}
		if isSeqEntry(c) {
			return nil, d.errorf("sequence entry in a mapping")
		}
		key, v, err := d.entry(c, col)
		if err != nil {
			return nil, err
		}
		d.kvs = append(d.kvs, keyValue{key, v})
	}
	m := d.toMap(base)
	d.depth--
	d.nodes++
	return m, nil
}

// toMap pops the entries from base on off the stack into a new map.
func (d *decoder) toMap(base int) map[string]any {
	entries := d.kvs[base:]
	m := make(map[string]any, len(entries))
	// YAML.pm keeps the first of duplicate keys: filled from the last
	// entry back, the first one is written last. This spares a lookup per
	// key.
	for i := len(entries) - 1; i >= 0; i-- {
		m[entries[i].key] = entries[i].value
	}
	clear(entries)
	d.kvs = d.kvs[:base]
	return m
}

// entry reads one "key: value" entry whose line (from col) is c.
func (d *decoder) entry(c string, col int) (string, any, error) {
	if c == "?" || strings.HasPrefix(c, "? ") {
		return d.complexEntry(c[1:], col)
	}
	key, rest, err := d.key(c)
	if err != nil {
		return "", nil, err
	}
	d.advance()
	v, err := d.node(rest, col, true)
	return key, v, err
}

// complexEntry reads a "? key" entry: YAML.pm writes a long multi-line key
// as "? |-" and its lines, then ": value" on a line of its own (at column
// 0, whatever the mapping's column).
func (d *decoder) complexEntry(rest string, col int) (string, any, error) {
	d.advance()
	k, err := d.node(rest, col, false)
	if err != nil {
		return "", nil, err
	}
	var key string
	switch x := k.(type) {
	case nil: // Perl stringifies undef as ""
	case string:
		key = x
	default:
		return "", nil, d.errorf("a collection as a mapping key")
	}
	d.skipBlank()
	if d.eof {
		return "", nil, d.errorf("complex key without a value")
	}
	line := trimSpaces(d.text())
	if line != ":" && !strings.HasPrefix(line, ": ") {
		return "", nil, d.errorf("expected \":\" after a complex key")
	}
	d.advance()
	v, err := d.node(line[1:], col, true)
	return key, v, err
}

// key reads a simple key from the front of c and returns it with the text
// after its ": ".
func (d *decoder) key(c string) (key, rest string, err error) {
	var after string
	switch c[0] {
	case '"', '\'':
		var v any
		if v, after, err = d.quoted(c); err != nil {
			return "", "", err
		}
		key = v.(string)
		after = trimSpaces(after)
	case '=':
		if a := trimSpaces(c[1:]); a == ":" || strings.HasPrefix(a, ": ") || strings.HasPrefix(a, ":\t") {
			key, after = valueKey, a
			break
		}
		fallthrough
	default:
		i := indexMapColon(c)
		if i < 0 {
			return "", "", d.errorf("expected \"key: value\", found %q", truncate(c))
		}
		key, after = trimSpaces(c[:i]), c[i:]
		if key == "~" {
			key = "" // Perl reads the undef key as ""
		}
	}
	if after == "" || after[0] != ':' || len(after) > 1 && after[1] != ' ' && after[1] != '\t' {
		return "", "", d.errorf("expected \":\" after key %q", truncate(key))
	}
	return key, after[1:], nil
}

// looksLikeKey reports whether the text after "- " starts a compact
// mapping: "key: ...", "'key': ...", "\"key\": ..." or "? ...".
func looksLikeKey(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '?':
		return len(s) == 1 || s[1] == ' '
	case '"', '\'':
		var d decoder
		_, after, err := d.quoted(s)
		after = trimSpaces(after)
		return err == nil && after != "" && after[0] == ':' && (len(after) == 1 || after[1] == ' ')
	case '&', '*', '!', '|', '>', '[', '{', '#', '%', '@', '`':
		return false
	}
	return indexMapColon(s) >= 0
}

// indexMapColon returns the index of the first ':' followed by a space or
// the end of s.
func indexMapColon(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' && (i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\t') {
			return i
		}
	}
	return -1
}

// plainValue is a plain scalar as YAML.pm's _parse_implicit reads it: a
// comment (whitespace then #) and trailing whitespace cut off; ~ is undef.
func plainValue(s string) any {
	for i := 1; i < len(s); i++ {
		if s[i] == '#' {
			if r, _ := utf8.DecodeLastRuneInString(s[:i]); isSpace(r) {
				s = s[:i]
				break
			}
		}
	}
	s = trimRightSpace(s)
	if s == "~" {
		return nil
	}
	return perl.StringValue(s)
}
