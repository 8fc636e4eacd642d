package perlyaml

import (
	"errors"
	"fmt"
)

var (
	// ErrSyntax is wrapped by every error of Unmarshal about its input.
	ErrSyntax = errors.New("perlyaml: invalid YAML")

	// ErrUnsupported is wrapped when Marshal meets a value it cannot write:
	// a cycle, a *perl.Object that does not bless a reference, a class name
	// Perl would not read back, a string that is not UTF-8, or a structure
	// nested deeper than MaxDepth.
	ErrUnsupported = errors.New("perlyaml: value cannot be written")

	// ErrNotHash is returned by Codec.Decode when the document's top level is
	// not a (possibly blessed) hash.
	ErrNotHash = errors.New("perlyaml: top level is not a hash")
)

// MaxDepth is the deepest nesting of collections Marshal writes and
// Unmarshal reads; deeper input is an error, not a stack overflow.
const MaxDepth = 512

// syntaxError builds an error wrapping ErrSyntax that names the line.
func syntaxError(line int, format string, args ...any) error {
	return fmt.Errorf("%w: line %d: %s", ErrSyntax, line, fmt.Sprintf(format, args...))
}
