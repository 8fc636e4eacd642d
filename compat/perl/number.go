package perl

import (
	"math"
	"strconv"
)

// FormatNumber returns the string Perl prints for a number (an NV) holding
// f, which is what Perl's serializers write for it:
//
//   - an integer below 2^53 in magnitude prints as that integer
//     (1e15 → "1000000000000000"): Perl keeps the integer's digits when
//     the conversion is exact;
//   - anything else as C's "%.15g" (3.14 → "3.14", 1e20 → "1e+20",
//     2^53 → "9.00719925474099e+15");
//   - infinities and NaN as "Inf", "-Inf" and "NaN".
func FormatNumber(f float64) string {
	return string(AppendNumber(nil, f))
}

// AppendNumber appends FormatNumber(f) to b.
func AppendNumber(b []byte, f float64) []byte {
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

// exactIntLimit is 2^53: below it a double converts to an integer exactly,
// which is where Perl (NV_PRESERVES_UV_BITS) trusts the integer's digits.
const exactIntLimit = 1 << 53
