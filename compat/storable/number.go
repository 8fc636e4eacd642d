package storable

import (
	"math"
	"strconv"
)

// FormatNumber returns the string Storable stores for a Perl number (NV)
// holding f in a network-order document, which is the string Perl prints
// for it:
//
//   - an integer below 2^53 in magnitude prints as that integer
//     (1e15 → "1000000000000000"): Storable reads it as an IV first, and
//     Perl keeps the IV's digits when the conversion is exact;
//   - anything else as C's "%.15g" (3.14 → "3.14", 1e20 → "1e+20",
//     2^53 → "9.00719925474099e+15");
//   - infinities and NaN as "Inf", "-Inf" and "NaN".
//
// (Marshal writes integral floats in the 32-bit range as integers, as
// Storable does; FormatNumber is what it writes for the rest.)
func FormatNumber(f float64) string {
	return string(appendNumber(nil, f))
}

// exactIntLimit is 2^53: below it a double converts to an integer exactly,
// which is where Perl (NV_PRESERVES_UV_BITS) trusts the integer's digits.
const exactIntLimit = 1 << 53

func appendNumber(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Inf"...)
	case math.IsInf(f, -1):
		return append(b, "-Inf"...)
	case f == math.Trunc(f) && math.Abs(f) < exactIntLimit:
		return strconv.AppendInt(b, int64(f), 10)
	}
	// Go's %g with a precision drops trailing zeros and pads the exponent
	// to two digits, as C's does.
	return strconv.AppendFloat(b, f, 'g', 15, 64)
}
