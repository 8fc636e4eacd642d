// Package perlyaml reads and writes the YAML dialect of Perl's YAML.pm 1.30
// (the pure-Perl module, not YAML::XS): the format of the session files of
// Dancer::Session::YAML and Dancer2::Session::YAML.
//
// Values are those of package github.com/dancergo/dancergo/compat/perl.
//
// # Reading
//
// YAML.pm's data is untyped, so Unmarshal returns every scalar as a string;
// only a plain ~ is undef (nil). Tags map onto the value model:
//
//	!!perl/hash:C  mapping      *perl.Object{Class: C, Value: map[string]any}
//	!!perl/array:C sequence     *perl.Object{Class: C, Value: []any}
//	!!perl/ref     {=: v}       *perl.Ref{Value: v}
//	!!perl/ref:C   {=: v}       *perl.Object{Class: C, Value: *perl.Ref{Value: v}}
//	!!perl/scalar:C v           *perl.Object{Class: C, Value: *perl.Ref{Value: v}}
//
// so a blessed object keeps its class through a read-modify-write in Go.
// Tags without a class, and tags this package has no model for
// (!!perl/code, !!perl/regexp, !!perl/glob, others), are dropped and the
// node is read as if untagged. Anchors and aliases are followed: an alias
// yields the very value its anchor did, as in Perl. An alias to a node that
// is not complete yet (a cyclic structure) is an error, because the value
// model has no cycles.
//
// The reader accepts what YAML.pm writes and what its loader reads in
// practice: block mappings and sequences (also zero-indented ones), compact
// "- key: value" mappings, "? " complex keys, plain, single- and
// double-quoted scalars (one line each, with YAML.pm's escapes), literal (|)
// and folded (>) block scalars with chomping and indentation indicators,
// one-line flow collections, comments, and one document with or without a
// "---" header. U+0085, U+2028, U+2029, DEL, C1 controls and U+FEFF are
// ordinary characters (only \n ends a line), which is where general YAML
// parsers such as gopkg.in/yaml.v3 refuse YAML.pm's output. Like YAML.pm it
// rejects raw C0 control characters other than tab and newline (after
// turning CRLF and CR into LF), and it also rejects input that is not UTF-8.
//
// # Writing
//
// Marshal writes what YAML.pm's Dump would write for the same Perl value,
// byte for byte: the "---" header, keys sorted by code point, two-space
// indentation, sequences indented under their key, compact "- key: value"
// for unblessed hashes in arrays, and YAML.pm's choice of scalar style (see
// the spec, section 2.3). Go values map to Perl values as follows:
//
//   - string: a Perl string, styled as YAML.pm styles strings;
//   - int64, float64: a Perl number, written plain (floats as Perl prints
//     them, with 15 significant digits; Inf, -Inf, NaN);
//   - bool: Perl's yes and no, which print as 1 and the empty string, so
//     true is written 1 and false ”; Perl reads them back as "1" and "";
//   - nil: ~ (undef);
//   - map[string]any, []any, *perl.Object and *perl.Ref as in the table
//     above; a *perl.Object must bless a map, a slice or a *perl.Ref;
//   - anything else is first converted with perl.Normalize.
//
// A map, non-empty slice, *perl.Object or *perl.Ref that occurs more than
// once in the value is written once with an anchor (&1) and then as aliases
// (*1), as YAML.pm does for shared references; a cycle is an error.
//
// Where YAML.pm's own output would not load back in YAML.pm (its loader
// misreads a few strings at the start of a sequence entry), Marshal departs
// from YAML.pm just enough for the value to load back unchanged:
//
//   - a double-quoted string that starts a sequence entry, or is the first
//     key of a compact "- key: value" mapping, has its " written \x22 when
//     YAML.pm's loader would otherwise take the entry for a mapping (or not
//     take it for one);
//   - a key that YAML.pm would write plain but that starts with ':' (as the
//     first key of a compact mapping) or with '=' then ':' (anywhere) is
//     single-quoted;
//   - a blessed reference to undef is written !!perl/ref:C {=: ~}, which
//     YAML.pm reads back as such (YAML.pm itself writes the stringified
//     reference, "C=SCALAR(0x...)", and would read "!!perl/scalar:C ~" as a
//     reference to the string "~");
//   - a document that is a multi-line string starting with whitespace is
//     double-quoted (YAML.pm's "--- |2" does not load back).
//
// Strings must be valid UTF-8: a Perl string is text, and Dancer writes
// session files through an UTF-8 layer.
package perlyaml
