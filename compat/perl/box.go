package perl

import "unicode/utf8"

// oneByte holds every one-byte ASCII string as an interface value.
var oneByte = func() (t [utf8.RuneSelf]any) {
	for i := range t {
		t[i] = string(rune(i))
	}
	return t
}()

// StringValue returns s as a value of the model (an interface holding a
// string). Decoders call it for every scalar: many scalars of a session are
// one character ("1", "x"), and for those it returns a shared interface
// instead of allocating one, as the runtime does for small integers. A
// string is immutable, so the sharing is invisible.
func StringValue(s string) any {
	if len(s) == 1 && s[0] < utf8.RuneSelf {
		return oneByte[s[0]]
	}
	return s
}
