package storable

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/dancergo/dancergo/compat/perl"
)

// Marshal returns v as Storable::nfreeze would write it (network order,
// hash keys sorted as with $Storable::canonical). v is the top-level
// referent: a map[string]any is written as the hash itself (nfreeze(\%h)),
// a *perl.Object as the blessed item. Values outside the value model are
// first converted with perl.Normalize; one that has no Perl equivalent is an
// error wrapping perl.ErrUnsupported.
func Marshal(v any) ([]byte, error) {
	return marshal(v, false)
}

// MarshalFile returns v as Storable::nstore writes it to a file: the magic
// "pst0" followed by what Marshal writes.
func MarshalFile(v any) ([]byte, error) {
	return marshal(v, true)
}

// encoder holds a buffer and scratch space reused across calls through
// encoderPool, so that a Marshal allocates little more than its result.
type encoder struct {
	buf []byte
	// keys is a stack of hash keys being sorted: each hash uses the part
	// above where its parent's keys end.
	keys []string
	// classes are the class names written so far, in order: a class written
	// again is written as its index (SX_IX_BLESS). Past a few classes,
	// classIndex takes over the look-ups.
	classes    []string
	classIndex map[string]int
}

var encoderPool = sync.Pool{New: func() any { return &encoder{buf: make([]byte, 0, 1024)} }}

// maxPooledBuffer and maxPooledKeys keep one huge session from pinning its
// scratch space in the pool.
const (
	maxPooledBuffer = 64 << 10
	maxPooledKeys   = 4096
)

func marshal(v any, file bool) ([]byte, error) {
	e := encoderPool.Get().(*encoder)
	defer e.release()
	if file {
		e.buf = append(e.buf, magic...)
	}
	e.buf = append(e.buf, netMajorByte, writeMinor)
	if err := e.referent(v, 0); err != nil {
		return nil, err
	}
	return slices.Clone(e.buf), nil
}

func (e *encoder) release() {
	if cap(e.buf) > maxPooledBuffer || cap(e.keys) > maxPooledKeys || cap(e.classes) > maxPooledKeys {
		return
	}
	e.buf = e.buf[:0]
	clear(e.keys) // left over only when an error cut a hash short
	e.keys = e.keys[:0]
	clear(e.classes)
	e.classes = e.classes[:0]
	e.classIndex = nil
	encoderPool.Put(e)
}

// maxWriteDepth is how deeply Marshal lets values nest. Unmarshal counts
// an unreferenced hash inside an array as one level where Marshal writes a
// reference and a hash, so Marshal allows twice MaxDepth: whatever Unmarshal
// returns can be written back.
const maxWriteDepth = 2 * MaxDepth

func tooDeep() error {
	return fmt.Errorf("%w: more than %d levels", ErrTooDeep, maxWriteDepth)
}

// referent writes v as the thing a reference points to: a hash or array
// itself, a blessed item, or a scalar.
func (e *encoder) referent(v any, depth int) error {
	if depth > maxWriteDepth {
		return tooDeep()
	}
	switch x := v.(type) {
	case map[string]any:
		return e.hash(x, depth)
	case []any:
		return e.array(x, depth)
	case *perl.Object:
		if x == nil {
			break
		}
		return e.object(x, depth)
	case nil, string, int64, float64, bool, *perl.Ref:
	default:
		n, err := perl.Normalize(v)
		if err != nil {
			return err
		}
		return e.referent(n, depth)
	}
	return e.scalar(v, depth)
}

// scalar writes v as a scalar: a hash value, an array element, or the
// target of a scalar reference. Hashes, arrays and objects are written as
// references to them.
func (e *encoder) scalar(v any, depth int) error {
	if depth > maxWriteDepth {
		return tooDeep()
	}
	switch x := v.(type) {
	case nil:
		e.buf = append(e.buf, opUndef)
	case string:
		return e.string(x)
	case int64:
		e.int(x)
	case float64:
		e.float(x)
	case bool:
		if x {
			e.buf = append(e.buf, opSvYes)
		} else {
			e.buf = append(e.buf, opSvNo)
		}
	case map[string]any:
		e.buf = append(e.buf, opRef)
		return e.hash(x, depth+1)
	case []any:
		e.buf = append(e.buf, opRef)
		return e.array(x, depth+1)
	case *perl.Object:
		if x == nil {
			e.buf = append(e.buf, opUndef)
			return nil
		}
		e.buf = append(e.buf, opRef)
		return e.object(x, depth+1)
	case *perl.Ref:
		if x == nil {
			e.buf = append(e.buf, opUndef)
			return nil
		}
		e.buf = append(e.buf, opRef)
		return e.scalar(x.Value, depth+1)
	case int:
		e.int(int64(x))
	default:
		n, err := perl.Normalize(v)
		if err != nil {
			return err
		}
		return e.scalar(n, depth)
	}
	return nil
}

// object writes SX_BLESS (or SX_IX_BLESS for a class seen before) and the
// blessed item.
func (e *encoder) object(o *perl.Object, depth int) error {
	if o.Class == "" {
		return fmt.Errorf("%w: object with an empty class name", perl.ErrUnsupported)
	}
	if idx, ok := e.classIndexOf(o.Class); ok {
		e.buf = append(e.buf, opIxBless)
		e.smallLength(idx)
	} else {
		e.addClass(o.Class)
		e.buf = append(e.buf, opBless)
		e.smallLength(len(o.Class))
		e.buf = append(e.buf, o.Class...)
	}
	return e.blessedBody(o.Value, depth+1)
}

// blessedBody writes what an object blesses: a hash or array itself, or a
// scalar (which may hold a reference, even to another object).
func (e *encoder) blessedBody(v any, depth int) error {
	switch x := v.(type) {
	case map[string]any:
		return e.hash(x, depth)
	case []any:
		return e.array(x, depth)
	case nil, string, int64, float64, bool, *perl.Ref, *perl.Object:
		return e.scalar(v, depth)
	}
	n, err := perl.Normalize(v)
	if err != nil {
		return err
	}
	return e.blessedBody(n, depth)
}

// smallLength writes a class name length or index as Storable does: one
// byte up to 127, else 0x80 and a 32-bit length.
func (e *encoder) smallLength(n int) {
	if n <= 127 {
		e.buf = append(e.buf, byte(n))
		return
	}
	e.buf = append(e.buf, 0x80)
	e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(n))
}

const classIndexThreshold = 8

func (e *encoder) classIndexOf(class string) (int, bool) {
	if e.classIndex != nil {
		idx, ok := e.classIndex[class]
		return idx, ok
	}
	for i, c := range e.classes {
		if c == class {
			return i, true
		}
	}
	return 0, false
}

func (e *encoder) addClass(class string) {
	e.classes = append(e.classes, class)
	if e.classIndex == nil && len(e.classes) > classIndexThreshold {
		e.classIndex = make(map[string]int, 2*len(e.classes))
		for i, c := range e.classes {
			e.classIndex[c] = i
		}
	} else if e.classIndex != nil {
		e.classIndex[class] = len(e.classes) - 1
	}
}

func (e *encoder) length(n int) {
	e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(n))
}

func (e *encoder) array(a []any, depth int) error {
	if len(a) > math.MaxInt32 {
		return fmt.Errorf("%w: array of %d elements", ErrUnsupported, len(a))
	}
	e.buf = append(e.buf, opArray)
	e.length(len(a))
	for _, v := range a {
		if err := e.scalar(v, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// hash writes h with its keys sorted. A key with a character above U+00FF
// cannot be a byte string, so such a hash is an SX_FLAG_HASH with the UTF-8
// flag on those keys; other keys are written as Latin-1 bytes, as Perl
// stores them.
func (e *encoder) hash(h map[string]any, depth int) error {
	if len(h) > math.MaxInt32 {
		return fmt.Errorf("%w: hash of %d keys", ErrUnsupported, len(h))
	}
	base := len(e.keys)
	wide := false
	for k := range h {
		e.keys = append(e.keys, k)
		if !wide && !isASCII(k) && !isLatin1(k) {
			wide = true
		}
	}
	keys := e.keys[base:]
	slices.Sort(keys)
	if wide {
		e.buf = append(e.buf, opFlagHash, 0)
	} else {
		e.buf = append(e.buf, opHash)
	}
	e.length(len(keys))
	for i := range keys {
		// Read through e.keys: nested hashes may grow (move) it.
		k := e.keys[base+i]
		if len(k) > math.MaxInt32 {
			return fmt.Errorf("%w: hash key of %d bytes", ErrUnsupported, len(k))
		}
		if err := e.scalar(h[k], depth+1); err != nil {
			return err
		}
		switch {
		case isASCII(k):
			if wide {
				e.buf = append(e.buf, 0)
			}
			e.length(len(k))
			e.buf = append(e.buf, k...)
		case isLatin1(k):
			if wide {
				e.buf = append(e.buf, 0)
			}
			e.length(utf8.RuneCountInString(k))
			e.buf = appendLatin1(e.buf, k)
		default:
			k = strings.ToValidUTF8(k, "\uFFFD")
			e.buf = append(e.buf, keyUTF8)
			e.length(len(k))
			e.buf = append(e.buf, k...)
		}
	}
	clear(e.keys[base:])
	e.keys = e.keys[:base]
	return nil
}

// string writes s as a byte string when every character fits in a byte
// (see the package documentation for why), else as UTF-8.
func (e *encoder) string(s string) error {
	if len(s) > math.MaxInt32 {
		return fmt.Errorf("%w: string of %d bytes", ErrUnsupported, len(s))
	}
	switch {
	case isASCII(s):
		e.stringHeader(opScalar, opLScalar, len(s))
		e.buf = append(e.buf, s...)
	case isLatin1(s):
		e.stringHeader(opScalar, opLScalar, utf8.RuneCountInString(s))
		e.buf = appendLatin1(e.buf, s)
	default:
		s = strings.ToValidUTF8(s, "\uFFFD")
		e.stringHeader(opUTF8Str, opLUTF8Str, len(s))
		e.buf = append(e.buf, s...)
	}
	return nil
}

// stringHeader writes the opcode and length of a string: a one-byte length
// up to 255 (SX_SCALAR, SX_UTF8STR), else a 32-bit one.
func (e *encoder) stringHeader(short, long byte, n int) {
	if n <= 255 {
		e.buf = append(e.buf, short, byte(n))
		return
	}
	e.buf = append(e.buf, long)
	e.length(n)
}

// int writes an integer as Storable does in network order: SX_BYTE for
// −128…127, SX_NETINT for the rest of the 32-bit range, else its decimal
// digits as a string.
func (e *encoder) int(i int64) {
	switch {
	case i >= -128 && i <= 127:
		e.buf = append(e.buf, opByte, byte(i+128))
	case i >= math.MinInt32 && i <= math.MaxInt32:
		e.buf = append(e.buf, opNetint)
		e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(int32(i)))
	default:
		e.buf = append(e.buf, opScalar, 0)
		at := len(e.buf)
		e.buf = strconv.AppendInt(e.buf, i, 10)
		e.buf[at-1] = byte(len(e.buf) - at)
	}
}

// float writes a double: as an integer when it is one in the 32-bit range
// (Storable's "integer in disguise"), else as the string Perl prints.
func (e *encoder) float(f float64) {
	if f == math.Trunc(f) && f >= math.MinInt32 && f <= math.MaxInt32 {
		e.int(int64(f))
		return
	}
	e.buf = append(e.buf, opScalar, 0)
	at := len(e.buf)
	e.buf = perl.AppendNumber(e.buf, f)
	e.buf[at-1] = byte(len(e.buf) - at)
}

func isASCII(s string) bool { return asciiPrefix(s) == len(s) }

// isLatin1 reports whether s is valid UTF-8 with no character above U+00FF.
func isLatin1(s string) bool {
	for _, r := range s {
		if r > 0xFF { // includes utf8.RuneError for invalid bytes
			return false
		}
	}
	return true
}

// appendLatin1 appends s, whose characters are all at most U+00FF, one byte
// per character.
func appendLatin1(b []byte, s string) []byte {
	for _, r := range s {
		b = append(b, byte(r))
	}
	return b
}
