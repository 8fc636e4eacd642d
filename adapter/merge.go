package adapter

// Merge applies a request's changes onto the session as it stands in the
// store: for each key in changed, the value in mine replaces the stored one,
// or the stored one is deleted when mine has no such key. Keys the request
// did not change keep their stored values. stored is not modified.
func Merge(stored, mine map[string]any, changed []string) map[string]any {
	out := make(map[string]any, len(stored)+len(changed))
	for k, v := range stored {
		out[k] = v
	}
	for _, k := range changed {
		if v, ok := mine[k]; ok {
			out[k] = v
		} else {
			delete(out, k)
		}
	}
	return out
}
