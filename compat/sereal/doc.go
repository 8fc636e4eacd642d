// Package sereal reads and writes Sereal documents (the binary format of
// Perl's Sereal::Encoder and Sereal::Decoder) to and from the value model of
// package github.com/dancergo/dancergo/compat/perl.
//
// Dancer::Session::Cookie stores each session as a Sereal document inside an
// encrypted cookie (see package securecookie). Sereal::Encoder 5.003 writes
// protocol 5; Unmarshal reads protocols 1 to 5, uncompressed, Snappy
// (types 1 and 2) and zlib bodies. Marshal writes protocol 5, like Perl, and
// compresses a body of 1024 bytes or more with Snappy, as Perl does with
// {snappy => 1}, so large sessions still fit in a cookie.
//
// How Perl values map to the model:
//
//	undef, CANONICAL_UNDEF     nil
//	POS, NEG, VARINT, ZIGZAG   int64 (a VARINT above MaxInt64 is its decimal string)
//	FLOAT, DOUBLE              float64
//	BINARY, SHORT_BINARY       string; the bytes are Latin-1 characters, as in Perl
//	STR_UTF8                   string (must be valid UTF-8)
//	TRUE, FALSE, YES, NO       bool
//	a reference to a hash      map[string]any
//	a reference to an array    []any
//	a reference to a scalar    *perl.Ref
//	a blessed reference        *perl.Object (Value is what is blessed: the
//	                           hash, the array, or the scalar)
//
// Shared references (REFP, ALIAS) become shared Go values, so the decoded
// value is a DAG; a cyclic structure cannot be represented in the model and is
// an error wrapping ErrCycle. Hostile input is an error, never a panic: every
// length is checked against the bytes that remain before anything is
// allocated, nesting is limited, the decompressed size claimed by a Snappy
// body is bounded by what Snappy can actually achieve, and the size of the
// value after resolving shared references is bounded by a multiple of the
// input's size.
package sereal
