package perl

import "encoding/gob"

// Object is a blessed Perl reference: Value (usually a map[string]any or a
// []any) blessed into the package Class.
type Object struct {
	Class string
	Value any
}

// Ref is a reference to a scalar, or to another reference (Perl's \$x).
type Ref struct {
	Value any
}

// Hash is the shape of a session and of every Perl hash in the model.
type Hash = map[string]any

// Array is the shape of every Perl array in the model.
type Array = []any

func init() {
	// Sessions are also stored by scs's GobCodec (shared with unchanged scs
	// apps), which can only carry interface values of registered types.
	gob.Register(Hash{})
	gob.Register(Array{})
	gob.Register(&Object{})
	gob.Register(&Ref{})
}
