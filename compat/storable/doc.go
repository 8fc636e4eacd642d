// Package storable reads and writes Perl's Storable format (Storable 3.x,
// binary format 2.x) to and from the value model of package
// github.com/dancergo/dancergo/compat/perl.
//
// Dancer::Session::Memcached stores each session as Storable::nfreeze of the
// session object, Dancer::Session::Storable and Plack::Session::Store::File
// write files with Storable::nstore / lock_nstore. This package speaks both:
//
//	Unmarshal      a frozen document (freeze or nfreeze), what Storable::thaw reads
//	UnmarshalFile  a file image ("pst0" + document), what Storable::retrieve reads
//	Marshal        nfreeze bytes (network order)
//	MarshalFile    nstore bytes ("pst0" + network order)
//
// # Reading
//
// The top level of a document is the referent of the reference that was
// frozen: nfreeze(\%h) reads back as a map[string]any, nfreeze($obj) as a
// *perl.Object. Inside, a reference to a hash or array is the map or slice
// itself, a reference to a blessed thing is the *perl.Object, and a reference
// to a scalar (or to another reference) is a *perl.Ref.
//
// Scalars keep the type Storable gave them: small integers (SX_BYTE,
// SX_NETINT, native SX_INTEGER) become int64, native doubles float64, and
// everything Perl stored as a string stays a string. In network order that
// includes every floating-point number ("3.14") and every integer outside the
// 32-bit range ("4000000000"), exactly as Perl's own thaw sees them. Byte
// strings (SX_SCALAR, SX_LSCALAR and keys without the UTF-8 flag) are Perl
// strings of one character per byte, so they decode as Latin-1; UTF-8
// strings and keys decode as the text they hold.
//
// Back-references (SX_OBJECT) are resolved to the value already read, so a
// hash referenced twice is the same Go map twice. A structure that refers to
// itself cannot be represented in the model and is an error (ErrCycle).
//
// Hostile input is an error, never a panic: every length is checked against
// the bytes that remain before anything is allocated, nesting is limited to
// MaxDepth, and back-references may not blow a small document up into a huge
// tree (ErrTooComplex). Tied variables, STORABLE_freeze hooks, code refs and
// regexps are not session data and are refused with ErrUnsupported.
//
// # Writing
//
// The writer produces what Perl's nfreeze would produce for the same data,
// with hash keys in sorted order ($Storable::canonical): integers in
// −128…127 as SX_BYTE, other 32-bit integers as SX_NETINT, larger ones as
// their decimal string, floats as the string Perl would print for them (see
// FormatNumber), undef as SX_UNDEF, booleans as PL_sv_yes / PL_sv_no,
// references and blessed objects as SX_REF and SX_BLESS / SX_IX_BLESS.
//
// Strings: ASCII text is written as a byte string (SX_SCALAR / SX_LSCALAR),
// text with a character above U+00FF as a UTF-8 string (SX_UTF8STR /
// SX_LUTF8STR). Text whose characters are all at most U+00FF is written as a
// Latin-1 byte string, not as UTF-8. Perl sees the very same characters
// either way (a string and its utf8::upgrade'd copy are eq), but a byte
// string is what Storable itself writes for a Perl byte string, and most
// strings in a Dancer 1 session are byte strings (request parameters are
// bytes unless the app sets charset). Writing them back as bytes keeps
// binary values and undecoded UTF-8 octets byte-for-byte what Perl stored,
// where upgrading them would hand XS code (DBI, digests, file names) the
// UTF-8 encoding of each byte instead. Hash keys follow the same rule, as in
// Perl: keys are written downgraded where possible, and a hash with a key
// above U+00FF becomes an SX_FLAG_HASH with the UTF-8 flag on those keys.
// Invalid UTF-8 in a Go string is written as U+FFFD.
//
// The writer never emits back-references: a value reachable twice is
// written twice.
package storable
