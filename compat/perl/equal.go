package perl

// Equal reports whether a and b are the same value in the model: same types,
// same classes, same contents.
func Equal(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !Equal(xv, yv) {
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
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case *Object:
		y, ok := b.(*Object)
		return ok && x.Class == y.Class && Equal(x.Value, y.Value)
	case *Ref:
		y, ok := b.(*Ref)
		return ok && Equal(x.Value, y.Value)
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
