package perl

// Equal reports whether a and b are the same value in the model: same types,
// same classes, same contents.
func Equal(a, b any) bool {
	return EqualFunc(a, b, equalScalar)
}

// EqualFunc is Equal with the comparison of scalars left to eq: it walks
// hashes, arrays, blessed objects and references as Equal does, and calls
// eq(x, y) wherever x, the value on a's side, is anything else (nil, a
// string, a number, a boolean), whatever y is. A test uses it to let
// values differ in one known way, such as NaN equal to NaN; eq usually ends
// by calling Equal.
func EqualFunc(a, b any, eq func(x, y any) bool) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !EqualFunc(xv, yv, eq) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !EqualFunc(x[i], y[i], eq) {
				return false
			}
		}
		return true
	case *Object:
		y, ok := b.(*Object)
		return ok && x.Class == y.Class && EqualFunc(x.Value, y.Value, eq)
	case *Ref:
		y, ok := b.(*Ref)
		return ok && EqualFunc(x.Value, y.Value, eq)
	}
	return eq(a, b)
}

// equalScalar is Equal for the values that hold no others.
func equalScalar(a, b any) bool {
	switch a.(type) {
	case nil:
		return b == nil
	case string, int64, float64, bool:
		return a == b
	}
	return false
}

// Clone returns a deep copy of v, so that a value handed out of a session
// cannot change the session behind its back.
func Clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = Clone(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Clone(e)
		}
		return out
	case *Object:
		return &Object{Class: x.Class, Value: Clone(x.Value)}
	case *Ref:
		return &Ref{Value: Clone(x.Value)}
	}
	return v
}
