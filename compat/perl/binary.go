package perl

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// BinaryCodec is a compact binary encoding of a session (its deadline and
// its values, in this model) for stores that only dancergo reads, such as
// the Simple engine's memory. It implements scs's Codec interface and is
// several times faster than scs's GobCodec, which stays the codec to use for
// sessions shared with unchanged scs applications.
type BinaryCodec struct{}

// ErrBinary is wrapped by BinaryCodec.Decode's errors.
var ErrBinary = errors.New("perl: malformed binary session")

const binaryVersion = 1

// Tags of the binary encoding.
const (
	tagUndef byte = iota
	tagFalse
	tagTrue
	tagInt
	tagFloat
	tagString
	tagArray
	tagHash
	tagObject
	tagRef
)

// Encode writes the deadline and the values.
func (BinaryCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	b := make([]byte, 0, 64+16*len(values))
	b = append(b, binaryVersion)
	var nanos int64
	if !deadline.IsZero() {
		nanos = deadline.UnixNano()
	}
	b = binary.AppendVarint(b, nanos)
	return appendValue(b, values, 0)
}

// Decode reads what Encode wrote.
func (BinaryCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if len(b) == 0 || b[0] != binaryVersion {
		return time.Time{}, nil, fmt.Errorf("%w: unknown version", ErrBinary)
	}
	nanos, n := binary.Varint(b[1:])
	if n <= 0 {
		return time.Time{}, nil, fmt.Errorf("%w: deadline", ErrBinary)
	}
	d := binaryDecoder{b: b, s: string(b), pos: 1 + n}
	v, err := d.value(0)
	if err != nil {
		return time.Time{}, nil, err
	}
	h, ok := v.(map[string]any)
	if !ok {
		return time.Time{}, nil, fmt.Errorf("%w: top level is not a hash", ErrBinary)
	}
	if d.pos != len(b) {
		return time.Time{}, nil, fmt.Errorf("%w: %d trailing bytes", ErrBinary, len(b)-d.pos)
	}
	var deadline time.Time
	if nanos != 0 {
		deadline = time.Unix(0, nanos)
	}
	return deadline, h, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendValue(b []byte, v any, depth int) ([]byte, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: nested deeper than %d levels", ErrUnsupported, maxDepth)
	}
	var err error
	switch x := v.(type) {
	case nil:
		return append(b, tagUndef), nil
	case bool:
		if x {
			return append(b, tagTrue), nil
		}
		return append(b, tagFalse), nil
	case int64:
		return binary.AppendVarint(append(b, tagInt), x), nil
	case float64:
		return binary.LittleEndian.AppendUint64(append(b, tagFloat), math.Float64bits(x)), nil
	case string:
		return appendString(append(b, tagString), x), nil
	case []any:
		b = binary.AppendUvarint(append(b, tagArray), uint64(len(x)))
		for _, e := range x {
			if b, err = appendValue(b, e, depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	case map[string]any:
		b = binary.AppendUvarint(append(b, tagHash), uint64(len(x)))
		for k, e := range x {
			b = appendString(b, k)
			if b, err = appendValue(b, e, depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	case *Object:
		b = appendString(append(b, tagObject), x.Class)
		return appendValue(b, x.Value, depth+1)
	case *Ref:
		return appendValue(append(b, tagRef), x.Value, depth+1)
	}
	return nil, fmt.Errorf("%w: %T", ErrUnsupported, v)
}

type binaryDecoder struct {
	b   []byte
	s   string // b as one string: keys and values are cut from it, not copied one by one
	pos int
}

func (d *binaryDecoder) uvarint() (uint64, error) {
	u, n := binary.Uvarint(d.b[d.pos:])
	if n <= 0 {
		return 0, fmt.Errorf("%w: bad length at %d", ErrBinary, d.pos)
	}
	d.pos += n
	return u, nil
}

// count reads an element count; every element takes at least one byte, so
// a count beyond the bytes left is a lie, refused before any allocation.
func (d *binaryDecoder) count() (int, error) {
	n, err := d.uvarint()
	if err != nil {
		return 0, err
	}
	if n > uint64(len(d.b)-d.pos) {
		return 0, fmt.Errorf("%w: count %d exceeds the input", ErrBinary, n)
	}
	return int(n), nil
}

func (d *binaryDecoder) str() (string, error) {
	n, err := d.count()
	if err != nil {
		return "", err
	}
	s := d.s[d.pos : d.pos+n]
	d.pos += n
	return s, nil
}

func (d *binaryDecoder) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: nested deeper than %d levels", ErrBinary, maxDepth)
	}
	if d.pos >= len(d.b) {
		return nil, fmt.Errorf("%w: truncated", ErrBinary)
	}
	tag := d.b[d.pos]
	d.pos++
	switch tag {
	case tagUndef:
		return nil, nil
	case tagFalse:
		return false, nil
	case tagTrue:
		return true, nil
	case tagInt:
		i, n := binary.Varint(d.b[d.pos:])
		if n <= 0 {
			return nil, fmt.Errorf("%w: bad integer at %d", ErrBinary, d.pos)
		}
		d.pos += n
		return i, nil
	case tagFloat:
		if len(d.b)-d.pos < 8 {
			return nil, fmt.Errorf("%w: truncated float", ErrBinary)
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(d.b[d.pos:]))
		d.pos += 8
		return f, nil
	case tagString:
		return d.str()
	case tagArray:
		n, err := d.count()
		if err != nil {
			return nil, err
		}
		out := make([]any, n)
		for i := range out {
			if out[i], err = d.value(depth + 1); err != nil {
				return nil, err
			}
		}
		return out, nil
	case tagHash:
		n, err := d.count()
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, n)
		for range n {
			k, err := d.str()
			if err != nil {
				return nil, err
			}
			if out[k], err = d.value(depth + 1); err != nil {
				return nil, err
			}
		}
		return out, nil
	case tagObject:
		class, err := d.str()
		if err != nil {
			return nil, err
		}
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		return &Object{Class: class, Value: v}, nil
	case tagRef:
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		return &Ref{Value: v}, nil
	}
	return nil, fmt.Errorf("%w: unknown tag %d at %d", ErrBinary, tag, d.pos-1)
}
