package perl

// Size estimates the bytes v takes once encoded: about what the compact
// formats (Storable, Sereal, BinaryCodec) spend on it, and less than YAML or
// gob do. The adapter uses it to refuse an oversized session at the moment a
// handler sets the value, before any store is touched.
func Size(v any) int {
	switch x := v.(type) {
	case string:
		return len(x) + 2
	case int64, float64:
		return 9
	case []any:
		n := 5
		for _, e := range x {
			n += Size(e)
		}
		return n
	case map[string]any:
		n := 5
		for k, e := range x {
			n += len(k) + 2 + Size(e)
		}
		return n
	case *Object:
		return len(x.Class) + 2 + Size(x.Value)
	case *Ref:
		return 1 + Size(x.Value)
	}
	return 1
}
