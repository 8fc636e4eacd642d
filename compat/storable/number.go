package storable

import "github.com/dancergo/dancergo/compat/perl"

// FormatNumber returns the string Storable stores for a Perl number (NV)
// holding f in a network-order document, which is the string Perl prints
// for it (see perl.FormatNumber). (Marshal writes integral floats in the
// 32-bit range as integers, as Storable does; FormatNumber is what it
// writes for the rest.)
func FormatNumber(f float64) string { return perl.FormatNumber(f) }
