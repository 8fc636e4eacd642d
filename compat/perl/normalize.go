package perl

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
)

// ErrUnsupported reports a Go value that has no Perl equivalent in the model
// (a channel, a function, a struct, a map with non-string keys...).
var ErrUnsupported = errors.New("perl: value not supported by the session model")

// maxDepth bounds nesting so that a cyclic or hostile structure is an error,
// not a stack overflow.
const maxDepth = 100

// Normalize converts v into the value model described in the package
// documentation. Values already in the model are returned as they are
// (containers are copied, so later changes by the caller do not leak into a
// session). Integers become int64 (an uint64 above MaxInt64 becomes its
// decimal string, as Perl would store it), floats float64, slices and arrays
// []any, string-keyed maps map[string]any, []byte a string of its bytes
// (one character per byte, as in Perl).
func Normalize(v any) (any, error) {
	return normalize(v, 0)
}

func normalize(v any, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: nested deeper than %d levels", ErrUnsupported, maxDepth)
	}
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return x, nil
	case int64:
		return x, nil
	case int:
		return int64(x), nil
	case float64:
		return x, nil
	case bool:
		return x, nil
	case []byte:
		return latin1(x), nil
	case *Object:
		if x == nil {
			return nil, nil
		}
		inner, err := normalize(x.Value, depth+1)
		if err != nil {
			return nil, err
		}
		return &Object{Class: x.Class, Value: inner}, nil
	case Object:
		return normalize(&x, depth)
	case *Ref:
		if x == nil {
			return nil, nil
		}
		inner, err := normalize(x.Value, depth+1)
		if err != nil {
			return nil, err
		}
		return &Ref{Value: inner}, nil
	case Ref:
		return normalize(&x, depth)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			n, err := normalize(e, depth+1)
			if err != nil {
				return nil, fmt.Errorf("key %q: %w", k, err)
			}
			out[k] = n
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := normalize(e, depth+1)
			if err != nil {
				return nil, fmt.Errorf("index %d: %w", i, err)
			}
			out[i] = n
		}
		return out, nil
	}
	return normalizeReflect(reflect.ValueOf(v), depth)
}

func normalizeReflect(rv reflect.Value, depth int) (any, error) {
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return strconv.FormatUint(u, 10), nil
		}
		return int64(u), nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
		return normalize(rv.Elem().Interface(), depth+1)
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return []any{}, nil
		}
		out := make([]any, rv.Len())
		for i := range out {
			n, err := normalize(rv.Index(i).Interface(), depth+1)
			if err != nil {
				return nil, fmt.Errorf("index %d: %w", i, err)
			}
			out[i] = n
		}
		return out, nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("%w: map key type %s (Perl hash keys are strings)", ErrUnsupported, rv.Type().Key())
		}
		out := make(map[string]any, rv.Len())
		iter := rv.MapRange()
		for iter.Next() {
			k := iter.Key().String()
			n, err := normalize(iter.Value().Interface(), depth+1)
			if err != nil {
				return nil, fmt.Errorf("key %q: %w", k, err)
			}
			out[k] = n
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: %s", ErrUnsupported, rv.Type())
}

// latin1 reads b as a Perl byte string: one character per byte.
func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// SortedKeys returns the keys of h in Perl's default sort order (by code
// point, which for Go strings is byte order).
func SortedKeys(h map[string]any) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
