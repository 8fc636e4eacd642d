package sereal

import (
	"errors"
	"fmt"
)

var (
	// ErrInvalid is wrapped by every error about a malformed document:
	// bad magic, truncated data, an offset that points nowhere, an invalid
	// UTF-8 string, an unknown tag.
	ErrInvalid = errors.New("sereal: invalid document")

	// ErrUnsupported is wrapped when a well-formed document uses a feature
	// the value model cannot hold (regular expressions, FREEZE/THAW objects,
	// long doubles, zstd bodies), or when Marshal is given a value outside
	// the model.
	ErrUnsupported = errors.New("sereal: unsupported feature")

	// ErrCycle is wrapped when a document holds a reference cycle (a hash
	// that contains a reference to itself, weakened or not), which the value
	// model cannot represent.
	ErrCycle = errors.New("sereal: cyclic reference")

	// ErrLimit is wrapped when a document exceeds a decoder limit: nesting
	// depth, decompressed size, or the size of the value once shared
	// references are counted.
	ErrLimit = errors.New("sereal: document exceeds decoder limits")
)

// invalidf returns an error wrapping ErrInvalid that says where in the body
// (a 0-based index into the decompressed body) the problem is.
func invalidf(pos int, format string, args ...any) error {
	return fmt.Errorf("%w: body byte %d: %s", ErrInvalid, pos, fmt.Sprintf(format, args...))
}
