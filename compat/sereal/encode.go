package sereal

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/golang/snappy"

	"github.com/dancergo/dancergo/compat/perl"
)

// DefaultCompressThreshold is Sereal::Encoder's compress_threshold: bodies
// of at least this many bytes are compressed.
const DefaultCompressThreshold = 1024

// Encoder writes Sereal protocol 5 documents. The zero value is ready to
// use and behaves like Sereal::Encoder->new({snappy => 1}), the options of
// Dancer::Session::Cookie.
type Encoder struct {
	// CompressThreshold is the body size from which the body is compressed
	// with Snappy (Sereal's incremental Snappy encoding). Zero means
	// DefaultCompressThreshold; a negative value never compresses. A
	// compressed body that would not be smaller is written uncompressed.
	CompressThreshold int
}

// Marshal encodes v with the zero Encoder.
func Marshal(v any) ([]byte, error) { return Encoder{}.Marshal(v) }

// Marshal encodes v, a value of the model of package perl, as a Sereal
// protocol 5 document. A value outside the model is first converted with
// perl.Normalize; one that cannot be converted is an error wrapping
// ErrUnsupported.
//
// Strings whose characters all fit in Latin-1 are written as byte strings
// (BINARY), the others as STR_UTF8, so that a Perl byte string read from
// Perl is written back as the same bytes. A string that is not valid UTF-8
// has each invalid byte replaced by U+FFFD, as encoding/json does.
// Hash keys are written in a fixed order (by length, then bytes, like
// Sereal's sort_keys => 1) so that equal values give equal documents, and a
// repeated key is written as a COPY of its first occurrence, as Perl does.
func (e Encoder) Marshal(v any) ([]byte, error) {
	w := writers.Get().(*writer)
	defer w.release()
	w.buf = append(w.buf[:0], magicV3[:]...)
	w.buf = append(w.buf, protocolVersion, 0) // version 5, raw; empty header suffix
	if err := w.writeValue(v, 0, true); err != nil {
		return nil, err
	}
	threshold := e.CompressThreshold
	if threshold == 0 {
		threshold = DefaultCompressThreshold
	}
	body := w.buf[headerSize:]
	if threshold < 0 || len(body) < threshold {
		return bytes.Clone(w.buf), nil
	}
	w.block = snappy.Encode(w.block[:cap(w.block)], body)
	n := headerSize + uvarintLen(uint64(len(w.block))) + len(w.block)
	if n >= len(w.buf) {
		return bytes.Clone(w.buf), nil // compression does not pay
	}
	out := make([]byte, headerSize, n)
	copy(out, w.buf[:headerSize])
	out[magicLen] = protocolVersion | encodingSnappyIncr<<encodingShift
	out = binary.AppendUvarint(out, uint64(len(w.block)))
	return append(out, w.block...), nil
}

// writers recycles writers and their buffers: a session is encoded on every
// change, and the buffers are what costs.
var writers = sync.Pool{New: func() any { return &writer{buf: make([]byte, 0, 1024)} }}

// maxPooled is the largest buffer a writer keeps for the next Marshal.
const maxPooled = 64 << 10

func uvarintLen(u uint64) int {
	n := 1
	for ; u >= 0x80; u >>= 7 {
		n++
	}
	return n
}

func (w *writer) release() {
	clear(w.keys) // drop references to the caller's strings
	w.keys = w.keys[:0]
	clear(w.sorted) // drop references to the caller's values; not empty after an error
	w.sorted = w.sorted[:0]
	w.keyIndex = nil
	if cap(w.buf) > maxPooled || cap(w.block) > maxPooled || cap(w.sorted) > 1024 {
		return
	}
	writers.Put(w)
}

type keyOffset struct {
	key    string
	offset int
}

// keyIndexFrom is how many distinct keys a writer scans before it indexes
// them in a map.
const keyIndexFrom = 32

type writer struct {
	buf []byte
	// keys holds each hash key written so far with its 1-based body offset,
	// for COPY; a session has few distinct keys, so a slice scanned from
	// the end beats a map until keyIndex takes over.
	keys     []keyOffset
	keyIndex map[string]int
	// sorted is scratch space for sorting the entries of the hashes being
	// written.
	sorted []entry
	// block is scratch space for the Snappy-compressed body.
	block []byte
}

const headerSize = magicLen + 2

// offset is the 1-based body offset of the next byte written.
func (w *writer) offset() int { return len(w.buf) - headerSize + 1 }

func (w *writer) writeValue(v any, depth int, top bool) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: nested deeper than %d levels (a cycle?)", ErrUnsupported, maxDepth)
	}
	switch x := v.(type) {
	case nil:
		w.buf = append(w.buf, tagUndef)
	case bool:
		if x {
			w.buf = append(w.buf, tagTrue)
		} else {
			w.buf = append(w.buf, tagFalse)
		}
	case int64:
		w.writeInt(x)
	case int:
		w.writeInt(int64(x))
	case float64:
		w.writeFloat(x)
	case string:
		w.writeString(x)
	case map[string]any:
		return w.writeHash(x, depth, top)
	case []any:
		return w.writeArray(x, depth, top)
	case *perl.Ref:
		if x == nil {
			w.buf = append(w.buf, tagUndef)
			return nil
		}
		w.buf = append(w.buf, tagRefN)
		return w.writeReferent(x.Value, depth)
	case *perl.Object:
		if x == nil {
			w.buf = append(w.buf, tagUndef)
			return nil
		}
		w.buf = append(w.buf, tagObject)
		w.writeString(x.Class)
		switch inner := x.Value.(type) {
		case map[string]any, []any:
			// Perl writes REFN + HASH/ARRAY after OBJECT, not the short forms.
			return w.writeValue(inner, depth+1, true)
		}
		w.buf = append(w.buf, tagRefN)
		return w.writeReferent(x.Value, depth)
	default:
		n, err := perl.Normalize(v)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrUnsupported, err)
		}
		return w.writeValue(n, depth, top)
	}
	return nil
}

// writeReferent writes what a REFN points to. In the model a map or slice is
// already a reference, so a reference to one is a reference to a reference.
func (w *writer) writeReferent(v any, depth int) error {
	return w.writeValue(v, depth+1, false)
}

func (w *writer) writeInt(i int64) {
	switch {
	case i >= 0 && i < 16:
		w.buf = append(w.buf, byte(i))
	case i < 0 && i >= -16:
		w.buf = append(w.buf, byte(i+32))
	case i >= 0:
		w.buf = append(w.buf, tagVarint)
		w.buf = binary.AppendUvarint(w.buf, uint64(i))
	default:
		w.buf = append(w.buf, tagZigzag)
		w.buf = binary.AppendUvarint(w.buf, uint64(i<<1)^uint64(i>>63))
	}
}

func (w *writer) writeFloat(f float64) {
	// Like Sereal::Encoder, a number that survives a round trip through
	// float32 is written in 4 bytes.
	if f32 := float32(f); float64(f32) == f {
		w.buf = append(w.buf, tagFloat)
		w.buf = binary.LittleEndian.AppendUint32(w.buf, math.Float32bits(f32))
		return
	}
	w.buf = append(w.buf, tagDouble)
	w.buf = binary.LittleEndian.AppendUint64(w.buf, math.Float64bits(f))
}

// writeString writes s as a byte string when every character is Latin-1,
// otherwise as UTF-8.
func (w *writer) writeString(s string) {
	if isASCII(s) {
		w.writeBinary(s)
		return
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	latin := true
	n := 0
	for _, r := range s {
		if r > 0xff {
			latin = false
			break
		}
		n++
	}
	if !latin {
		w.buf = append(w.buf, tagStrUTF8)
		w.buf = binary.AppendUvarint(w.buf, uint64(len(s)))
		w.buf = append(w.buf, s...)
		return
	}
	if n <= shortBinaryMaxLen {
		w.buf = append(w.buf, tagShortBinaryLow+byte(n))
	} else {
		w.buf = append(w.buf, tagBinary)
		w.buf = binary.AppendUvarint(w.buf, uint64(n))
	}
	for _, r := range s {
		w.buf = append(w.buf, byte(r))
	}
}

// writeBinary writes an ASCII string.
func (w *writer) writeBinary(s string) {
	if len(s) <= shortBinaryMaxLen {
		w.buf = append(w.buf, tagShortBinaryLow+byte(len(s)))
	} else {
		w.buf = append(w.buf, tagBinary)
		w.buf = binary.AppendUvarint(w.buf, uint64(len(s)))
	}
	w.buf = append(w.buf, s...)
}

// writeKey writes a hash key, or a COPY of the same key written earlier
// when that is shorter.
func (w *writer) writeKey(k string) {
	if len(k) <= 2 {
		// A COPY takes at least two bytes: no gain.
		w.writeString(k)
		return
	}
	if off, ok := w.findKey(k); ok {
		w.buf = append(w.buf, tagCopy)
		w.buf = binary.AppendUvarint(w.buf, uint64(off))
		return
	}
	off := w.offset()
	if w.keyIndex != nil {
		w.keyIndex[k] = off
	} else {
		w.keys = append(w.keys, keyOffset{k, off})
		if len(w.keys) > keyIndexFrom {
			w.keyIndex = make(map[string]int, 2*len(w.keys))
			for _, e := range w.keys {
				w.keyIndex[e.key] = e.offset
			}
		}
	}
	w.writeString(k)
}

func (w *writer) findKey(k string) (int, bool) {
	if w.keyIndex != nil {
		off, ok := w.keyIndex[k]
		return off, ok
	}
	for _, e := range w.keys {
		if e.key == k {
			return e.offset, true
		}
	}
	return 0, false
}

func (w *writer) writeHash(h map[string]any, depth int, top bool) error {
	if len(h) <= shortContainerMax && !top {
		w.buf = append(w.buf, tagHashRefLow+byte(len(h)))
	} else {
		// Perl writes the root (and any large hash) as REFN + HASH.
		w.buf = append(w.buf, tagRefN, tagHash)
		w.buf = binary.AppendUvarint(w.buf, uint64(len(h)))
	}
	// The entries are taken with their values, so that writing them in
	// order needs no lookups.
	mark := len(w.sorted)
	for k, v := range h {
		w.sorted = append(w.sorted, entry{k, v})
	}
	entries := w.sorted[mark:]
	sortEntries(entries)
	for _, e := range entries {
		w.writeKey(e.key)
		if err := w.writeValue(e.value, depth+1, false); err != nil {
			return fmt.Errorf("key %q: %w", e.key, err)
		}
	}
	clear(entries)
	w.sorted = w.sorted[:mark]
	return nil
}

// entry is a hash entry.
type entry struct {
	key   string
	value any
}

// sortEntries sorts a hash's entries by key in Sereal's sort_keys => 1
// order. A session's hashes are small, and for them an insertion sort with
// the comparison inlined is several times faster than a general sort.
func sortEntries(e []entry) {
	if len(e) > 24 {
		slices.SortFunc(e, func(a, b entry) int { return compareKeys(a.key, b.key) })
		return
	}
	for i := 1; i < len(e); i++ {
		x, j := e[i], i
		for ; j > 0 && keyLess(x.key, e[j-1].key); j-- {
			e[j] = e[j-1]
		}
		e[j] = x
	}
}

// compareKeys orders keys by length, then bytes: Sereal's sort_keys => 1.
func compareKeys(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// keyLess reports whether a sorts before b in compareKeys's order.
func keyLess(a, b string) bool {
	return len(a) < len(b) || len(a) == len(b) && a < b
}

func (w *writer) writeArray(a []any, depth int, top bool) error {
	if len(a) <= shortContainerMax && !top {
		w.buf = append(w.buf, tagArrayRefLow+byte(len(a)))
	} else {
		w.buf = append(w.buf, tagRefN, tagArray)
		w.buf = binary.AppendUvarint(w.buf, uint64(len(a)))
	}
	for i, e := range a {
		if err := w.writeValue(e, depth+1, false); err != nil {
			return fmt.Errorf("index %d: %w", i, err)
		}
	}
	return nil
}
