package sereal

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/golang/snappy"

	"github.com/dancergo/dancergo/compat/perl"
)

// Decoder limits. They are far above what a Perl session holds and keep
// hostile documents from exhausting the stack, the memory or the CPU of
// whoever walks the decoded value later (perl.Clone, JSON, ...).
const (
	// maxDepth bounds how deeply items may nest (a REFN + HASH pair counts
	// twice).
	maxDepth = 200
	// maxBody bounds a decompressed body.
	maxBody = 16 << 20
	// snappyMaxRatio is above the best ratio Snappy can reach (a 3-byte copy
	// of 64 bytes), so a block claiming more is lying about its length.
	snappyMaxRatio = 22
	// zlibMaxRatio is above deflate's best ratio (about 1032:1).
	zlibMaxRatio = 1040
	// The size of a decoded value (one per item plus the bytes of its
	// strings), counting every shared reference and COPY as a copy, may be
	// at most expansionFactor times the body's length plus expansionSlack:
	// this stops "billion laughs" documents whose small DAG unfolds into a
	// huge tree (or a huge Marshal output) for whoever walks it.
	expansionFactor = 16
	expansionSlack  = 1 << 18
)

// Unmarshal decodes a Sereal document of protocol 1 to 5, raw or compressed
// with Snappy or zlib, into the value model of package perl. Bytes after the
// root item are ignored, as Sereal::Decoder does.
func Unmarshal(doc []byte) (any, error) {
	body, off0, err := readHeader(doc)
	if err != nil {
		return nil, err
	}
	d := decoder{buf: body, str: string(body), off0: off0, lastReferent: -1}
	d.maxSize = expansionFactor*len(body) + expansionSlack
	v, err := d.readValue()
	if err != nil {
		return nil, err
	}
	return v, nil
}

// readHeader checks the magic, the version and the encoding, skips the
// header suffix and returns the (decompressed) body. off0 is what an offset
// in this document must be reduced by to index the body: Sereal counts
// offsets from 1 at the start of the body in protocol 2 and later, and from 0
// at the start of the whole document in protocol 1.
func readHeader(doc []byte) (body []byte, off0 int, err error) {
	if bytes.HasPrefix(doc, magicUTF8) {
		return nil, 0, fmt.Errorf("%w: the document was UTF-8 encoded after it was written", ErrInvalid)
	}
	if len(doc) < magicLen+2 {
		return nil, 0, fmt.Errorf("%w: %d bytes is too short for a header", ErrInvalid, len(doc))
	}
	version := int(doc[magicLen] & versionMask)
	encoding := int(doc[magicLen] >> encodingShift)
	var want [magicLen]byte
	switch {
	case version == 1 || version == 2:
		want = magicV1
	case version >= 3 && version <= protocolVersion:
		want = magicV3
	default:
		return nil, 0, fmt.Errorf("%w: protocol version %d", ErrUnsupported, version)
	}
	if [magicLen]byte(doc[:magicLen]) != want {
		return nil, 0, fmt.Errorf("%w: bad magic % x for protocol %d", ErrInvalid, doc[:magicLen], version)
	}
	pos := magicLen + 1
	suffix, n := binary.Uvarint(doc[pos:])
	if n <= 0 || suffix > uint64(len(doc)-pos-n) {
		return nil, 0, fmt.Errorf("%w: bad header suffix length", ErrInvalid)
	}
	pos += n + int(suffix)
	off0 = 1
	if version == 1 {
		off0 = pos
	}
	rest := doc[pos:]
	switch encoding {
	case encodingRaw:
		body = rest
	case encodingSnappy:
		body, err = unsnappy(rest)
	case encodingSnappyIncr:
		l, n := binary.Uvarint(rest)
		if n <= 0 || l > uint64(len(rest)-n) {
			return nil, 0, fmt.Errorf("%w: bad Snappy block length", ErrInvalid)
		}
		body, err = unsnappy(rest[n : n+int(l)])
	case encodingZlib:
		body, err = unzlib(rest)
	case encodingZstd:
		return nil, 0, fmt.Errorf("%w: zstd-compressed body", ErrUnsupported)
	default:
		return nil, 0, fmt.Errorf("%w: unknown body encoding %d", ErrInvalid, encoding)
	}
	if err != nil {
		return nil, 0, err
	}
	if version == 1 && encoding != encodingRaw {
		// Offsets of a compressed protocol 1 document count the header as
		// if it were still in front of the decompressed body.
		off0 = pos
	}
	if len(body) == 0 {
		return nil, 0, fmt.Errorf("%w: empty body", ErrInvalid)
	}
	return body, off0, nil
}

func unsnappy(block []byte) ([]byte, error) {
	n, err := snappy.DecodedLen(block)
	if err != nil {
		return nil, fmt.Errorf("%w: snappy: %w", ErrInvalid, err)
	}
	if n > snappyMaxRatio*len(block) {
		return nil, fmt.Errorf("%w: Snappy block of %d bytes claims %d bytes", ErrInvalid, len(block), n)
	}
	if n > maxBody {
		return nil, fmt.Errorf("%w: decompressed body of %d bytes", ErrLimit, n)
	}
	body, err := snappy.Decode(nil, block)
	if err != nil {
		return nil, fmt.Errorf("%w: snappy: %w", ErrInvalid, err)
	}
	return body, nil
}

func unzlib(rest []byte) ([]byte, error) {
	raw, n := binary.Uvarint(rest)
	if n <= 0 {
		return nil, fmt.Errorf("%w: bad zlib length", ErrInvalid)
	}
	rest = rest[n:]
	clen, n := binary.Uvarint(rest)
	if n <= 0 || clen > uint64(len(rest)-n) {
		return nil, fmt.Errorf("%w: bad zlib length", ErrInvalid)
	}
	rest = rest[n : n+int(clen)]
	if raw > zlibMaxRatio*uint64(len(rest)) {
		return nil, fmt.Errorf("%w: zlib stream of %d bytes claims %d bytes", ErrInvalid, len(rest), raw)
	}
	if raw > maxBody {
		return nil, fmt.Errorf("%w: decompressed body of %d bytes", ErrLimit, raw)
	}
	zr, err := zlib.NewReader(bytes.NewReader(rest))
	if err != nil {
		return nil, fmt.Errorf("%w: zlib: %w", ErrInvalid, err)
	}
	defer zr.Close()
	// The buffer grows with what the stream really yields, never beyond the
	// claimed length plus one byte (to notice a stream that is longer).
	var out bytes.Buffer
	if _, err := io.Copy(&out, io.LimitReader(zr, int64(raw)+1)); err != nil {
		return nil, fmt.Errorf("%w: zlib: %w", ErrInvalid, err)
	}
	if uint64(out.Len()) != raw {
		return nil, fmt.Errorf("%w: zlib stream is %d bytes, header says %d", ErrInvalid, out.Len(), raw)
	}
	return out.Bytes(), nil
}

// tracked is an item whose tag had the track flag: REFP, ALIAS and WEAKEN
// may refer to it by its offset.
type tracked struct {
	val       any
	obj       *perl.Object // set once an OBJECT has blessed this item
	size      int          // items in val, counted as if nothing were shared
	container bool         // val is a HASH or ARRAY itself, not a scalar
	done      bool         // false while val is still being decoded
}

type decoder struct {
	buf   []byte
	str   string // buf as a string, which decoded strings are slices of
	pos   int
	off0  int
	depth int
	// size is the size of the value so far (items plus string bytes, shared
	// ones once per use); maxSize bounds it.
	size, maxSize int
	tracked       map[int]*tracked
	block         []any          // what slice cuts short arrays from
	strings       map[int]string // strings decoded for COPY and OBJECTV
	inCopy        bool
	// container is true when the item just read was a HASH or ARRAY itself
	// (the referent of a REFN), not a scalar; set by readValue.
	container bool
	// lastReferent is the index of the tracked item that the reference just
	// read points to, or -1: an OBJECT records its class there so that a
	// later REFP to the same item is blessed too.
	lastReferent int
}

func (d *decoder) readValue() (any, error) {
	if d.depth >= maxDepth {
		return nil, fmt.Errorf("%w: nested deeper than %d items", ErrLimit, maxDepth)
	}
	if err := d.grow(1); err != nil {
		return nil, err
	}
	if err := d.skipPad(); err != nil {
		return nil, err
	}
	start := d.pos
	tag := d.buf[start]
	d.pos++
	var t *tracked
	if tag&tagTrackFlag != 0 && !d.inCopy {
		if d.tracked == nil {
			d.tracked = make(map[int]*tracked)
		}
		t = &tracked{}
		d.tracked[start] = t
	}
	d.depth++
	size0 := d.size
	tag &^= tagTrackFlag
	v, container, err := d.readTagged(tag, start)
	d.depth--
	if err != nil {
		return nil, err
	}
	d.container = container
	if tag != tagRefN && tag != tagRefP && tag != tagWeaken {
		d.lastReferent = -1
	}
	if t != nil {
		t.val, t.container, t.done = v, container, true
		t.size = d.size - size0 + 1
	}
	return v, nil
}

// skipPad skips PAD bytes before an item. It is called before every item,
// so its common case, no PAD, is small enough to be inlined.
func (d *decoder) skipPad() error {
	if d.pos < len(d.buf) && d.buf[d.pos]&^tagTrackFlag != tagPad {
		return nil
	}
	return d.skipPadSlow()
}

func (d *decoder) skipPadSlow() error {
	for d.pos < len(d.buf) && d.buf[d.pos]&^tagTrackFlag == tagPad {
		d.pos++
	}
	if d.pos >= len(d.buf) {
		return invalidf(d.pos, "truncated: an item was expected")
	}
	return nil
}

// readTagged reads the item of the given tag (track flag removed) that
// starts at body index start. container reports a HASH or ARRAY itself (the
// referent of a REFN) rather than a scalar.
func (d *decoder) readTagged(tag byte, start int) (v any, container bool, err error) {
	switch {
	case tag < tagNegLow:
		return int64(tag), false, nil
	case tag < tagVarint:
		return int64(tag) - 32, false, nil
	case tag >= tagShortBinaryLow:
		s, err := d.readBytesString(int(tag-tagShortBinaryLow), false)
		return perl.StringValue(s), false, err
	case tag >= tagHashRefLow:
		v, err = d.readHash(int(tag - tagHashRefLow))
		return v, false, err
	case tag >= tagArrayRefLow:
		v, err = d.readArray(int(tag - tagArrayRefLow))
		return v, false, err
	}
	switch tag {
	case tagVarint:
		u, err := d.readVarint()
		if err != nil {
			return nil, false, err
		}
		if u > math.MaxInt64 {
			// A Perl UV beyond int64: kept exactly, as its decimal string.
			return strconv.FormatUint(u, 10), false, nil
		}
		return int64(u), false, nil
	case tagZigzag:
		u, err := d.readVarint()
		if err != nil {
			return nil, false, err
		}
		return int64(u>>1) ^ -int64(u&1), false, nil
	case tagFloat:
		b, err := d.take(4)
		if err != nil {
			return nil, false, err
		}
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(b))), false, nil
	case tagDouble:
		b, err := d.take(8)
		if err != nil {
			return nil, false, err
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(b)), false, nil
	case tagUndef, tagCanonicalUndef:
		return nil, false, nil
	case tagTrue, tagYes:
		return true, false, nil
	case tagFalse, tagNo:
		return false, false, nil
	case tagBinary, tagStrUTF8:
		n, err := d.readLength(1)
		if err != nil {
			return nil, false, err
		}
		s, err := d.readBytesString(n, tag == tagStrUTF8)
		return perl.StringValue(s), false, err
	case tagRefN:
		v, err = d.readRefN()
		return v, false, err
	case tagRefP:
		idx, err := d.readOffset(start)
		if err != nil {
			return nil, false, err
		}
		t, err := d.target(idx, start)
		if err != nil {
			return nil, false, err
		}
		d.lastReferent = idx
		if t.obj != nil {
			return t.obj, false, nil
		}
		if t.container {
			return t.val, false, nil
		}
		return &perl.Ref{Value: t.val}, false, nil
	case tagAlias:
		idx, err := d.readOffset(start)
		if err != nil {
			return nil, false, err
		}
		t, err := d.target(idx, start)
		if err != nil {
			return nil, false, err
		}
		if t.obj != nil {
			return t.obj, false, nil
		}
		return t.val, t.container, nil
	case tagHash:
		n, err := d.readLength(2)
		if err != nil {
			return nil, false, err
		}
		v, err = d.readHash(n)
		return v, true, err
	case tagArray:
		n, err := d.readLength(1)
		if err != nil {
			return nil, false, err
		}
		v, err = d.readArray(n)
		return v, true, err
	case tagObject:
		class, err := d.readKey()
		if err != nil {
			return nil, false, err
		}
		v, err = d.bless(class, start)
		return v, false, err
	case tagObjectV:
		idx, err := d.readOffset(start)
		if err != nil {
			return nil, false, err
		}
		class, err := d.stringAt(idx)
		if err != nil {
			return nil, false, err
		}
		v, err = d.bless(class, start)
		return v, false, err
	case tagCopy:
		v, err = d.readCopy(start)
		return v, false, err
	case tagWeaken:
		// A weak reference is an ordinary one in the model; a weakened
		// back-reference still makes a cycle, which REFP reports.
		v, err = d.readValue()
		return v, d.container, err
	case tagRegexp:
		return nil, false, fmt.Errorf("%w: regular expression at body byte %d", ErrUnsupported, start)
	case tagObjectFreeze, tagObjectVFreeze:
		return nil, false, fmt.Errorf("%w: FREEZE/THAW object at body byte %d", ErrUnsupported, start)
	case tagLongDouble, tagFloat128:
		return nil, false, fmt.Errorf("%w: long double at body byte %d", ErrUnsupported, start)
	}
	return nil, false, invalidf(start, "unexpected tag 0x%02x", tag)
}

// readRefN reads the referent of a REFN. A reference to a HASH or ARRAY is
// the map or slice itself in the model; a reference to anything else is a
// *perl.Ref.
func (d *decoder) readRefN() (any, error) {
	if err := d.skipPad(); err != nil {
		return nil, err
	}
	q := d.pos
	v, err := d.readValue()
	if err != nil {
		return nil, err
	}
	container := d.container
	if d.buf[q]&tagTrackFlag != 0 && !d.inCopy {
		d.lastReferent = q
	} else {
		d.lastReferent = -1
	}
	if container {
		return v, nil
	}
	return &perl.Ref{Value: v}, nil
}

// bless reads the reference that follows an OBJECT or OBJECTV and blesses
// what it points to.
func (d *decoder) bless(class string, start int) (any, error) {
	d.lastReferent = -1
	v, err := d.readValue()
	if err != nil {
		return nil, err
	}
	referent := d.lastReferent
	var inner any
	switch x := v.(type) {
	case map[string]any, []any:
		inner = x
	case *perl.Ref:
		inner = x.Value
	case *perl.Object:
		inner = x.Value // blessed again: the last class wins, as in Perl
	default:
		return nil, invalidf(start, "OBJECT %q blesses a non-reference", class)
	}
	obj := &perl.Object{Class: class, Value: inner}
	if t := d.tracked[referent]; t != nil {
		t.obj = obj
	}
	return obj, nil
}

func (d *decoder) readHash(n int) (any, error) {
	if n > (len(d.buf)-d.pos)/2 {
		return nil, invalidf(d.pos, "truncated: hash of %d pairs", n)
	}
	h := make(map[string]any, n)
	for range n {
		k, err := d.readKey()
		if err != nil {
			return nil, err
		}
		v, err := d.readValue()
		if err != nil {
			return nil, err
		}
		h[k] = v
	}
	return h, nil
}

func (d *decoder) readArray(n int) (any, error) {
	if n > len(d.buf)-d.pos {
		return nil, invalidf(d.pos, "truncated: array of %d items", n)
	}
	a := d.slice(n)
	for i := range a {
		v, err := d.readValue()
		if err != nil {
			return nil, err
		}
		a[i] = v
	}
	return a, nil
}

// slice returns a slice of n nils for an array. Short ones are cut from a
// block shared by the arrays of one document, which saves an allocation per
// array; each one's capacity ends at its length, so that an append to it
// reallocates instead of writing over its neighbour.
func (d *decoder) slice(n int) []any {
	if n > maxBlockItems {
		return make([]any, n)
	}
	if cap(d.block)-len(d.block) < n {
		d.block = make([]any, 0, blockItems)
	}
	start := len(d.block)
	d.block = d.block[:start+n]
	return d.block[start : start+n : start+n]
}

// The block that short arrays are cut from holds blockItems items; an array
// of more than maxBlockItems has its own. The waste, the end of a block too
// short for the next array, is below maxBlockItems.
const (
	blockItems    = 16
	maxBlockItems = 8
)

// readKey reads a hash key: a string, or a COPY of an earlier string.
func (d *decoder) readKey() (string, error) {
	// Most keys are short ASCII byte strings, read here at once.
	if p := d.pos + 1; p <= len(d.buf) {
		if tag := d.buf[d.pos]; tag >= tagShortBinaryLow && tag < tagTrackFlag {
			if n := int(tag - tagShortBinaryLow); n <= len(d.buf)-p {
				if s := d.str[p : p+n]; isASCII(s) {
					d.pos = p + n
					return s, nil
				}
			}
		}
	}
	if err := d.skipPad(); err != nil {
		return "", err
	}
	start := d.pos
	if d.buf[start]&^tagTrackFlag == tagCopy {
		d.pos++
		idx, err := d.readOffset(start)
		if err != nil {
			return "", err
		}
		return d.stringAt(idx)
	}
	s, end, err := d.parseString(start)
	if err != nil {
		return "", err
	}
	d.pos = end
	return s, nil
}

// readCopy reads a COPY: the item at an earlier offset, read again. Perl
// writes COPY only for strings (repeated keys and values); anything that is
// not a plain scalar is refused, so that a COPY can never re-read a
// structure (which could multiply a small document into a huge value).
func (d *decoder) readCopy(start int) (any, error) {
	idx, err := d.readOffset(start)
	if err != nil {
		return nil, err
	}
	tag := d.buf[idx] &^ tagTrackFlag
	switch {
	case tag == tagBinary || tag == tagStrUTF8 || tag >= tagShortBinaryLow:
		return d.stringAt(idx)
	case tag < tagVarint || tag == tagVarint || tag == tagZigzag || tag == tagFloat ||
		tag == tagDouble || tag == tagUndef || tag == tagCanonicalUndef ||
		tag == tagTrue || tag == tagFalse || tag == tagYes || tag == tagNo:
		if d.inCopy {
			return nil, invalidf(start, "COPY inside a COPY")
		}
		saved := d.pos
		d.pos, d.inCopy = idx, true
		v, err := d.readValue()
		d.pos, d.inCopy = saved, false
		return v, err
	}
	return nil, invalidf(start, "COPY of tag 0x%02x (only scalars may be copied)", tag)
}

// stringAt returns the string item at body index idx, decoding it once.
func (d *decoder) stringAt(idx int) (string, error) {
	if s, ok := d.strings[idx]; ok {
		return s, d.grow(len(s))
	}
	pos := idx
	if d.buf[idx]&^tagTrackFlag == tagCopy {
		// An OBJECTV may point at a class name that was itself a COPY.
		u, n := binary.Uvarint(d.buf[idx+1:])
		if n <= 0 || u < uint64(d.off0) || u-uint64(d.off0) >= uint64(idx) {
			return "", invalidf(idx, "bad COPY offset")
		}
		pos = int(u - uint64(d.off0))
	}
	s, _, err := d.parseString(pos)
	if err != nil {
		return "", err
	}
	if d.strings == nil {
		d.strings = make(map[int]string)
	}
	d.strings[idx] = s
	return s, d.grow(len(s))
}

// grow adds n to the size of the value and checks the limit.
func (d *decoder) grow(n int) error {
	d.size += n
	if d.size > d.maxSize {
		return d.tooLarge() // apart, so that grow is inlined
	}
	return nil
}

func (d *decoder) tooLarge() error {
	return fmt.Errorf("%w: value larger than %d once shared references and copies are counted", ErrLimit, d.maxSize)
}

// parseString decodes the string item at index pos without moving d.pos.
func (d *decoder) parseString(pos int) (string, int, error) {
	tag := d.buf[pos] &^ tagTrackFlag
	p := pos + 1
	var n int
	switch {
	case tag >= tagShortBinaryLow:
		n = int(tag - tagShortBinaryLow)
	case tag == tagBinary || tag == tagStrUTF8:
		u, w := binary.Uvarint(d.buf[p:])
		if w <= 0 {
			return "", 0, invalidf(p, "bad string length")
		}
		p += w
		if u > uint64(len(d.buf)-p) {
			return "", 0, invalidf(p, "truncated: string of %d bytes", u)
		}
		n = int(u)
	default:
		return "", 0, invalidf(pos, "tag 0x%02x where a string was expected", tag)
	}
	if n > len(d.buf)-p {
		return "", 0, invalidf(p, "truncated: string of %d bytes", n)
	}
	str, err := d.text(p, n, tag == tagStrUTF8)
	return str, p + n, err
}

// readBytesString reads n bytes at d.pos as a string: UTF-8 text when utf is
// set, otherwise a Perl byte string whose bytes are Latin-1 characters.
func (d *decoder) readBytesString(n int, utf bool) (string, error) {
	if _, err := d.take(n); err != nil {
		return "", err
	}
	if err := d.grow(n); err != nil {
		return "", err
	}
	return d.text(d.pos-n, n, utf)
}

// text returns the n bytes at body index p as a string: UTF-8 text when utf
// is set, otherwise a Perl byte string whose bytes are Latin-1 characters.
// UTF-8 and ASCII strings are slices of d.str, a copy of the whole body made
// once, so decoding them allocates nothing.
func (d *decoder) text(p, n int, utf bool) (string, error) {
	s := d.str[p : p+n]
	if utf {
		if !utf8.ValidString(s) {
			return "", invalidf(p, "STR_UTF8 is not valid UTF-8")
		}
		return s, nil
	}
	if !isASCII(s) {
		return latin1(d.buf[p : p+n]), nil
	}
	return s, nil
}

// isASCII reports whether s is all ASCII, looking at eight bytes at a time.
func isASCII(s string) bool {
	for ; len(s) >= 8; s = s[8:] {
		// The compiler makes one 8-byte load of this.
		w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		if w&0x8080808080808080 != 0 {
			return false
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// latin1 turns a Perl byte string into Go text: one character per byte.
func latin1(b []byte) string {
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return string(out)
}

// target returns the finished tracked item at idx for a REFP or ALIAS and
// counts its size again, since the value now appears twice.
func (d *decoder) target(idx, start int) (*tracked, error) {
	t := d.tracked[idx]
	if t == nil {
		return nil, invalidf(start, "reference to offset %d, which is not a tracked item", idx+d.off0)
	}
	if !t.done {
		return nil, fmt.Errorf("%w: body byte %d refers to an item that contains it", ErrCycle, start)
	}
	return t, d.grow(t.size)
}

// readOffset reads an offset and returns the body index it points to, which
// must lie before the item being read (start).
func (d *decoder) readOffset(start int) (int, error) {
	u, err := d.readVarint()
	if err != nil {
		return 0, err
	}
	if u < uint64(d.off0) || u-uint64(d.off0) >= uint64(start) {
		return 0, invalidf(start, "offset %d does not point before this item", u)
	}
	return int(u - uint64(d.off0)), nil
}

func (d *decoder) readVarint() (uint64, error) {
	u, n := binary.Uvarint(d.buf[d.pos:])
	if n <= 0 {
		return 0, invalidf(d.pos, "bad varint")
	}
	d.pos += n
	return u, nil
}

// readLength reads a count or a length and checks that the rest of the body
// can hold that many items of at least minItem bytes each, before anything
// of that size is allocated.
func (d *decoder) readLength(minItem int) (int, error) {
	u, err := d.readVarint()
	if err != nil {
		return 0, err
	}
	if u > uint64((len(d.buf)-d.pos)/minItem) {
		return 0, invalidf(d.pos, "truncated: length %d", u)
	}
	return int(u), nil
}

func (d *decoder) take(n int) ([]byte, error) {
	if n > len(d.buf)-d.pos {
		return nil, invalidf(d.pos, "truncated: %d bytes expected", n)
	}
	b := d.buf[d.pos : d.pos+n]
	d.pos += n
	return b, nil
}
