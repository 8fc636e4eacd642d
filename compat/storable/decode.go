package storable

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dancergo/dancergo/compat/perl"
)

// Unmarshal decodes a frozen Storable document, as Perl's Storable::thaw
// reads it: the output of nfreeze (network order) or freeze (native order).
// It returns the top-level referent in the value model of package perl (see
// the package documentation). Errors are *DecodeError values wrapping one of
// the package's sentinel errors.
func Unmarshal(data []byte) (any, error) {
	return decodeDocument(data, 0)
}

// UnmarshalFile decodes a Storable file image, as Storable::retrieve reads
// it: the magic "pst0" followed by a document, as written by store, nstore
// and lock_nstore.
func UnmarshalFile(data []byte) (any, error) {
	if len(data) < len(magic) || string(data[:len(magic)]) != magic {
		if len(data) < len(magic) && string(data) == magic[:len(data)] {
			return nil, &DecodeError{Offset: len(data), Detail: "file magic", Err: ErrTruncated}
		}
		return nil, &DecodeError{Offset: 0, Detail: `no "pst0" file magic`, Err: ErrFormat}
	}
	return decodeDocument(data, len(magic))
}

// kind is what an item is in Perl's terms, which decides how a reference to
// it is represented in the model.
type kind uint8

const (
	kindScalar    kind = iota // a plain scalar: undef, boolean, number, string
	kindRef                   // a scalar holding a reference (map, []any, *Object or *Ref)
	kindContainer             // an unblessed hash or array itself
	kindBlessed               // a blessed thing (*perl.Object)
)

// entry is one tagged item, kept for back-references (SX_OBJECT). Perl tags
// every item that makes an SV, in the order they are read, starting at 0.
type entry struct {
	v      any
	size   int32 // nodes in the item's tree, counting expanded back-references
	height int16 // how many levels the item's tree reaches below it (≤ MaxDepth)
	kind   kind
	done   bool // false while the item's contents are still being read
}

// An entry's height must hold MaxDepth.
var _ [32767 - MaxDepth]struct{}

type decoder struct {
	data []byte
	// s holds the same bytes as data: strings and keys in the result are
	// substrings of it, so ASCII text costs no allocation of its own.
	s   string
	pos int

	network   bool
	bigEndian bool // native-order documents only
	ivSize    int  // native-order documents only

	tags    []entry
	classes []string

	nodes   int // nodes read so far, counting expanded back-references
	budget  int // most nodes allowed
	deepest int // deepest level reached in the item being read
}

// decodeDocument reads the header at data[start:] and the one item that
// follows it.
func decodeDocument(data []byte, start int) (any, error) {
	d := decoder{data: data, s: string(data), pos: start}
	// A document without back-references has at most one node per byte;
	// sharing may multiply that a little, not without bound.
	d.budget = 4*len(data) + 4096
	if err := d.header(); err != nil {
		return nil, err
	}
	// Items take at least one byte each; a session has about one per ten
	// bytes (fewer when it holds long strings).
	d.tags = make([]entry, 0, min(len(data)/10+1, 64))
	v, _, err := d.item(0)
	if err != nil {
		return nil, err
	}
	if d.pos != len(d.data) {
		return nil, d.errorf(ErrFormat, "%d bytes after the end of the document", len(d.data)-d.pos)
	}
	return v, nil
}

func (d *decoder) errorf(err error, format string, args ...any) error {
	return &DecodeError{Offset: d.pos, Detail: fmt.Sprintf(format, args...), Err: err}
}

func (d *decoder) truncated(what string) error {
	return &DecodeError{Offset: len(d.data), Detail: what, Err: ErrTruncated}
}

func (d *decoder) remaining() int { return len(d.data) - d.pos }

func (d *decoder) byte(what string) (byte, error) {
	if d.pos >= len(d.data) {
		return 0, d.truncated(what)
	}
	b := d.data[d.pos]
	d.pos++
	return b, nil
}

// u32 reads a length or count in the document's byte order.
func (d *decoder) u32(what string) (int, error) {
	if d.remaining() < 4 {
		return 0, d.truncated(what)
	}
	b := d.data[d.pos : d.pos+4]
	d.pos += 4
	if d.network || d.bigEndian {
		return int(binary.BigEndian.Uint32(b)), nil
	}
	return int(binary.LittleEndian.Uint32(b)), nil
}

// be32 reads a big-endian 32-bit value, the order Storable uses for
// SX_NETINT and back-reference tags whatever the document's order.
func (d *decoder) be32(what string) (uint32, error) {
	if d.remaining() < 4 {
		return 0, d.truncated(what)
	}
	v := binary.BigEndian.Uint32(d.data[d.pos:])
	d.pos += 4
	return v, nil
}

// bytes returns the next n bytes as a substring of the input.
func (d *decoder) bytes(n int, what string) (string, error) {
	if n < 0 || n > d.remaining() {
		return "", d.truncated(what)
	}
	s := d.s[d.pos : d.pos+n]
	d.pos += n
	return s, nil
}

// raw returns the next n bytes of the input.
func (d *decoder) raw(n int, what string) ([]byte, error) {
	if n > d.remaining() {
		return nil, d.truncated(what)
	}
	b := d.data[d.pos : d.pos+n]
	d.pos += n
	return b, nil
}

// header reads the version bytes and, for native order, the byte order and
// type sizes (Storable.xs magic_check).
func (d *decoder) header() error {
	b, err := d.byte("header")
	if err != nil {
		return err
	}
	if major := b >> 1; major != 2 {
		d.pos--
		return d.errorf(ErrFormat, "Storable major version %d, want 2 (not a Storable document?)", major)
	}
	d.network = b&1 == 1
	// Any minor version of format 2 is read, as Perl does by default
	// ($Storable::accept_future_minor): newer minors only add opcodes.
	minor, err := d.byte("header")
	if err != nil {
		return err
	}
	if d.network {
		return nil
	}
	n, err := d.byte("byte order")
	if err != nil {
		return err
	}
	order, err := d.bytes(int(n), "byte order")
	if err != nil {
		return err
	}
	switch order {
	case "1234":
		d.ivSize = 4
	case "4321":
		d.ivSize, d.bigEndian = 4, true
	case "12345678":
		d.ivSize = 8
	case "87654321":
		d.ivSize, d.bigEndian = 8, true
	default:
		return d.errorf(ErrUnsupported, "native byte order %q", order)
	}
	sizes, err := d.bytes(3, "type sizes")
	if err != nil {
		return err
	}
	if sizes[0] != 4 {
		return d.errorf(ErrUnsupported, "native int of %d bytes", sizes[0])
	}
	if minor >= 2 {
		nv, err := d.byte("NV size")
		if err != nil {
			return err
		}
		if nv != 8 {
			return d.errorf(ErrUnsupported, "native NV of %d bytes", nv)
		}
	}
	return nil
}

// tag gives the next tag to an item whose contents are still to be read,
// and returns it.
func (d *decoder) tag(k kind) (int, error) {
	d.nodes++
	if d.nodes > d.budget {
		return 0, d.errorf(ErrTooComplex, "more than %d nodes", d.budget)
	}
	d.tags = append(d.tags, entry{kind: k, size: 1})
	return len(d.tags) - 1, nil
}

// scalar tags a finished scalar and returns it.
func (d *decoder) scalar(v any) (any, kind, error) {
	d.nodes++
	d.tags = append(d.tags, entry{v: v, kind: kindScalar, size: 1, done: true})
	return v, kindScalar, nil
}

// begin starts reading the contents of the item tagged t at depth; finish
// records what they were. Between the two, d.nodes and d.deepest measure the
// item's tree.
type mark struct{ nodes, deepest int }

func (d *decoder) begin(depth int) mark {
	m := mark{d.nodes, d.deepest}
	d.deepest = depth
	return m
}

func (d *decoder) finish(t int, v any, k kind, depth int, m mark) {
	e := &d.tags[t]
	e.v, e.kind, e.done = v, k, true
	e.size = int32(d.nodes - m.nodes + 1)
	e.height = int16(d.deepest - depth)
	d.deepest = max(d.deepest, m.deepest)
}

// item reads one item at nesting level depth and returns its value and kind.
func (d *decoder) item(depth int) (any, kind, error) {
	if depth > MaxDepth {
		return nil, 0, d.errorf(ErrTooDeep, "more than %d levels", MaxDepth)
	}
	d.deepest = max(d.deepest, depth)
	op, err := d.byte("opcode")
	if err != nil {
		return nil, 0, err
	}
	switch op {
	case opScalar, opLScalar, opUTF8Str, opLUTF8Str:
		var n int
		if op == opScalar || op == opUTF8Str {
			b, err := d.byte("string length")
			if err != nil {
				return nil, 0, err
			}
			n = int(b)
		} else if n, err = d.u32("string length"); err != nil {
			return nil, 0, err
		}
		s, err := d.bytes(n, "string")
		if err != nil {
			return nil, 0, err
		}
		if op == opUTF8Str || op == opLUTF8Str {
			return d.scalar(fromUTF8(s))
		}
		return d.scalar(fromLatin1(s))
	case opByte:
		b, err := d.byte("SX_BYTE")
		if err != nil {
			return nil, 0, err
		}
		return d.scalar(int64(b) - 128)
	case opNetint:
		v, err := d.be32("SX_NETINT")
		if err != nil {
			return nil, 0, err
		}
		return d.scalar(int64(int32(v)))
	case opInteger:
		return d.nativeInteger()
	case opDouble:
		return d.nativeDouble()
	case opUndef, opSvUndef, opSvUndefElem:
		return d.scalar(nil)
	case opSvYes, opBooleanTrue:
		return d.scalar(true)
	case opSvNo, opBooleanFalse:
		return d.scalar(false)
	case opRef, opWeakRef, opOverload, opWeakOverload:
		return d.ref(depth, op == opOverload || op == opWeakOverload)
	case opArray:
		return d.array(depth)
	case opHash:
		return d.hash(depth, false)
	case opFlagHash:
		return d.hash(depth, true)
	case opBless:
		return d.bless(depth)
	case opIxBless:
		return d.ixBless(depth)
	case opObject:
		return d.backref(depth)
	case opVString, opLVString:
		return d.vstring(depth, op == opLVString)
	case opTiedArray, opTiedHash, opTiedScalar, opTiedKey, opTiedIdx, opHook, opCode, opRegexp, opLObject:
		d.pos--
		return nil, 0, d.errorf(ErrUnsupported, "%s (0x%02x) is not session data", opName(op), op)
	}
	d.pos--
	return nil, 0, d.errorf(ErrFormat, "unknown opcode 0x%02x", op)
}

func (d *decoder) nativeInteger() (any, kind, error) {
	if d.network {
		d.pos--
		return nil, 0, d.errorf(ErrFormat, "SX_INTEGER in a network-order document")
	}
	b, err := d.raw(d.ivSize, "SX_INTEGER")
	if err != nil {
		return nil, 0, err
	}
	var v int64
	switch {
	case d.ivSize == 8 && d.bigEndian:
		v = int64(binary.BigEndian.Uint64(b))
	case d.ivSize == 8:
		v = int64(binary.LittleEndian.Uint64(b))
	case d.bigEndian:
		v = int64(int32(binary.BigEndian.Uint32(b)))
	default:
		v = int64(int32(binary.LittleEndian.Uint32(b)))
	}
	return d.scalar(v)
}

func (d *decoder) nativeDouble() (any, kind, error) {
	if d.network {
		d.pos--
		return nil, 0, d.errorf(ErrFormat, "SX_DOUBLE in a network-order document")
	}
	b, err := d.raw(8, "SX_DOUBLE")
	if err != nil {
		return nil, 0, err
	}
	var bits uint64
	if d.bigEndian {
		bits = binary.BigEndian.Uint64(b)
	} else {
		bits = binary.LittleEndian.Uint64(b)
	}
	return d.scalar(math.Float64frombits(bits))
}

// ref reads a reference (Storable.xs retrieve_ref). The reference is tagged
// before its referent. A reference to a hash, an array or an object is that
// map, slice or *perl.Object; a reference to a scalar or to another
// reference is a *perl.Ref.
func (d *decoder) ref(depth int, overloaded bool) (any, kind, error) {
	at := d.pos - 1
	t, err := d.tag(kindRef)
	if err != nil {
		return nil, 0, err
	}
	m := d.begin(depth)
	v, k, err := d.item(depth + 1)
	if err != nil {
		return nil, 0, err
	}
	if overloaded && k != kindBlessed {
		// Perl croaks too: overloading lives in a class.
		return nil, 0, &DecodeError{Offset: at, Detail: "overloaded reference to an unblessed item", Err: ErrFormat}
	}
	if k == kindScalar || k == kindRef {
		v = &perl.Ref{Value: v}
	}
	d.finish(t, v, kindRef, depth, m)
	return v, kindRef, nil
}

// array reads an array (retrieve_array). Missing elements of a sparse array
// are undef.
func (d *decoder) array(depth int) (any, kind, error) {
	n, err := d.u32("array length")
	if err != nil {
		return nil, 0, err
	}
	if n > d.remaining() { // every element takes at least one byte
		return nil, 0, d.truncated(fmt.Sprintf("array of %d elements", n))
	}
	t, err := d.tag(kindContainer)
	if err != nil {
		return nil, 0, err
	}
	m := d.begin(depth)
	a := make([]any, n)
	for i := range a {
		if a[i], _, err = d.item(depth + 1); err != nil {
			return nil, 0, err
		}
	}
	d.finish(t, a, kindContainer, depth, m)
	return a, kindContainer, nil
}

// hash reads an SX_HASH or an SX_FLAG_HASH (retrieve_hash,
// retrieve_flag_hash): each pair is the value first, then the key.
func (d *decoder) hash(depth int, flagged bool) (any, kind, error) {
	pairSize := 5 // value opcode + key length
	if flagged {
		if _, err := d.byte("hash flags"); err != nil {
			return nil, 0, err
		}
		pairSize = 6 // + key flags
	}
	n, err := d.u32("hash size")
	if err != nil {
		return nil, 0, err
	}
	if n > d.remaining()/pairSize {
		return nil, 0, d.truncated(fmt.Sprintf("hash of %d pairs", n))
	}
	t, err := d.tag(kindContainer)
	if err != nil {
		return nil, 0, err
	}
	m := d.begin(depth)
	h := make(map[string]any, n)
	for range n {
		v, _, err := d.item(depth + 1)
		if err != nil {
			return nil, 0, err
		}
		var flags byte
		if flagged {
			if flags, err = d.byte("key flags"); err != nil {
				return nil, 0, err
			}
		}
		if flags&keyIsSV != 0 {
			key, err := d.svKey(depth)
			if err != nil {
				return nil, 0, err
			}
			h[key] = v
			continue
		}
		kn, err := d.u32("key length")
		if err != nil {
			return nil, 0, err
		}
		raw, err := d.bytes(kn, "key")
		if err != nil {
			return nil, 0, err
		}
		if flags&keyPlaceholder != 0 {
			continue // a deleted key of a restricted hash: not there in Perl either
		}
		if flags&keyUTF8 != 0 {
			h[fromUTF8(raw)] = v
		} else {
			h[fromLatin1(raw)] = v
		}
	}
	d.finish(t, h, kindContainer, depth, m)
	return h, kindContainer, nil
}

// svKey reads a hash key stored as a whole item (SHV_K_ISSV).
func (d *decoder) svKey(depth int) (string, error) {
	at := d.pos
	v, _, err := d.item(depth + 1)
	if err != nil {
		return "", err
	}
	switch k := v.(type) {
	case string:
		return k, nil
	case int64:
		return strconv.FormatInt(k, 10), nil
	}
	return "", &DecodeError{Offset: at, Detail: "hash key is not a string", Err: ErrFormat}
}

// bless reads SX_BLESS: a class name, remembered for SX_IX_BLESS, then the
// item blessed into it.
func (d *decoder) bless(depth int) (any, kind, error) {
	n, err := d.byte("class name length")
	if err != nil {
		return nil, 0, err
	}
	length := int(n)
	if n&0x80 != 0 {
		if length, err = d.u32("class name length"); err != nil {
			return nil, 0, err
		}
	}
	if length == 0 {
		// bless $x, "" blesses into main: Perl never writes an empty name.
		return nil, 0, d.errorf(ErrFormat, "empty class name")
	}
	class, err := d.bytes(length, "class name")
	if err != nil {
		return nil, 0, err
	}
	d.classes = append(d.classes, class)
	return d.blessed(class, depth)
}

// ixBless reads SX_IX_BLESS: the index of a class named earlier.
func (d *decoder) ixBless(depth int) (any, kind, error) {
	at := d.pos - 1
	n, err := d.byte("class index")
	if err != nil {
		return nil, 0, err
	}
	idx := int(n)
	if n&0x80 != 0 {
		if idx, err = d.u32("class index"); err != nil {
			return nil, 0, err
		}
	}
	if idx >= len(d.classes) {
		return nil, 0, &DecodeError{Offset: at, Detail: fmt.Sprintf("class index %d of %d", idx, len(d.classes)), Err: ErrFormat}
	}
	return d.blessed(d.classes[idx], depth)
}

// blessed reads the item that a class applies to. As in Perl, a class
// applies to the item's own tag; a nested blessing wins, and a
// back-reference is returned as it was.
func (d *decoder) blessed(class string, depth int) (any, kind, error) {
	t := len(d.tags)
	v, k, err := d.item(depth + 1)
	if err != nil {
		return nil, 0, err
	}
	if k == kindBlessed || len(d.tags) == t {
		return v, k, nil
	}
	obj := &perl.Object{Class: class, Value: v}
	d.tags[t].v, d.tags[t].kind = obj, kindBlessed
	return obj, kindBlessed, nil
}

// backref reads SX_OBJECT: the tag of an item read before.
func (d *decoder) backref(depth int) (any, kind, error) {
	at := d.pos - 1
	tag, err := d.be32("back-reference tag")
	if err != nil {
		return nil, 0, err
	}
	if int64(tag) >= int64(len(d.tags)) {
		return nil, 0, &DecodeError{Offset: at, Detail: fmt.Sprintf("back-reference to item %d of %d", tag, len(d.tags)), Err: ErrFormat}
	}
	e := d.tags[tag]
	if !e.done {
		return nil, 0, &DecodeError{Offset: at, Detail: fmt.Sprintf("item %d contains itself", tag), Err: ErrCycle}
	}
	d.nodes += int(e.size)
	if d.nodes > d.budget {
		return nil, 0, &DecodeError{Offset: at, Detail: fmt.Sprintf("more than %d nodes", d.budget), Err: ErrTooComplex}
	}
	if reach := depth + int(e.height); reach > MaxDepth {
		return nil, 0, &DecodeError{Offset: at, Detail: fmt.Sprintf("more than %d levels", MaxDepth), Err: ErrTooDeep}
	} else {
		d.deepest = max(d.deepest, reach)
	}
	return e.v, e.kind, nil
}

// vstring reads SX_VSTRING / SX_LVSTRING: the v-string's literal form,
// which the model drops, then the scalar it decorates.
func (d *decoder) vstring(depth int, long bool) (any, kind, error) {
	var n int
	var err error
	if long {
		n, err = d.u32("v-string length")
	} else {
		var b byte
		b, err = d.byte("v-string length")
		n = int(b)
	}
	if err != nil {
		return nil, 0, err
	}
	if _, err := d.bytes(n, "v-string"); err != nil {
		return nil, 0, err
	}
	return d.item(depth + 1)
}

// fromLatin1 decodes a Perl byte string: one character per byte. ASCII,
// the usual case, is returned as it is.
func fromLatin1(s string) string {
	i := asciiPrefix(s)
	if i == len(s) {
		return s
	}
	high := 0
	for j := i; j < len(s); j++ {
		if s[j] >= utf8.RuneSelf {
			high++
		}
	}
	b := make([]byte, i, len(s)+high)
	copy(b, s[:i])
	for j := i; j < len(s); j++ {
		c := s[j]
		if c < utf8.RuneSelf {
			b = append(b, c)
		} else {
			b = append(b, 0xC0|c>>6, 0x80|c&0x3F)
		}
	}
	return string(b)
}

// fromUTF8 decodes a UTF-8 flagged string. Perl's internal UTF-8 may hold
// surrogates or code points beyond U+10FFFF, which Go strings cannot carry
// as text: such sequences become U+FFFD.
func fromUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
