// Package perl is the value model that every dancergo codec reads and writes:
// the subset of Perl data that a Dancer session can hold.
//
// A session value is one of these Go types:
//
//	nil             undef
//	string          a Perl string, as Unicode text (byte strings decode as Latin-1)
//	int64           an integer (IV)
//	float64         a floating-point number (NV)
//	bool            PL_sv_yes / PL_sv_no (JSON::PP::Boolean and friends)
//	[]any           an array reference
//	map[string]any  a hash reference
//	*Object         a blessed reference: a class name and the value it blesses
//	*Ref            a reference to a scalar (or to another reference)
//
// Normalize turns ordinary Go values (int, []string, map[string]int, ...)
// into this model, so handlers may store what is natural to them.
package perl
