package storable

import (
	"errors"
	"fmt"
)

// Errors returned (wrapped in a *DecodeError) by Unmarshal and UnmarshalFile,
// and by Marshal where noted.
var (
	// ErrTruncated means the document ends before the data it announces.
	ErrTruncated = errors.New("storable: document truncated")

	// ErrFormat means the bytes are not a Storable document, or break its
	// rules (an unknown opcode, a back-reference to nothing, trailing bytes).
	ErrFormat = errors.New("storable: malformed document")

	// ErrUnsupported means a valid Storable feature that session data never
	// uses (tied variables, hooks, code refs, regexps, objects over 2 GiB),
	// or, from Marshal, a Go value with no Perl equivalent.
	ErrUnsupported = errors.New("storable: unsupported Storable feature")

	// ErrTooDeep means the data is nested deeper than MaxDepth.
	ErrTooDeep = errors.New("storable: nested too deeply")

	// ErrCycle means a structure refers to itself, which the value model
	// cannot hold.
	ErrCycle = errors.New("storable: structure refers to itself")

	// ErrTooComplex means back-references would expand the document into a
	// tree far larger than the document itself.
	ErrTooComplex = errors.New("storable: too many shared references")

	// ErrNotHash is returned by Codec.Decode when the document's top level
	// is not a hash (or an object holding one).
	ErrNotHash = errors.New("storable: top level is not a hash")
)

// MaxDepth is how deeply Unmarshal lets data nest, counting each opcode that
// holds another: references, blessings, arrays and hashes. (Marshal refuses
// Go values nested more than twice as deeply, which a cyclic value is; it
// can write back whatever Unmarshal returns.)
const MaxDepth = 1000

// DecodeError reports where a document went wrong. Err is one of the
// package's sentinel errors, so callers test it with errors.Is.
type DecodeError struct {
	Offset int    // byte offset in the input where the problem was found
	Detail string // what was being read, for people
	Err    error
}

func (e *DecodeError) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("%v at offset %d", e.Err, e.Offset)
	}
	return fmt.Sprintf("%v at offset %d: %s", e.Err, e.Offset, e.Detail)
}

// Unwrap returns the sentinel error.
func (e *DecodeError) Unwrap() error { return e.Err }
