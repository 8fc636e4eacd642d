#!/usr/bin/perl
# Prints Storable documents made by Perl, one per line: "NAME HEX JSON",
# where JSON is what thaw gives back (in the form thaw.pl prints). The cases
# go beyond the shared fixtures: restricted hashes, downgraded UTF-8 keys,
# weak references, v-strings, overloaded objects, class tables past 127,
# long class names, native order, numbers at every boundary.
use strict;
use warnings;
# JSON::PP tells numbers from strings by their flags (not by a heuristic
# that takes some NVs for strings).
BEGIN { $ENV{PERL_JSON_PP_USE_B} = 1 }
use utf8;
use Storable qw(nfreeze freeze);
use Scalar::Util qw(weaken);
use Hash::Util qw(lock_keys unlock_keys lock_hash);
use JSON::PP;
use FindBin;
use lib $FindBin::Bin;
use PerlValue qw(top);

my $json = JSON::PP->new->ascii->canonical->allow_nonref;

my %cases;
my $wasutf8 = "caf\x{e9}"; utf8::upgrade($wasutf8);
$cases{flag_hash_wasutf8} = { $wasutf8 => 1, "\x{263a}" => 2, plain => 3 };
$cases{restricted} = do { my %h = (a => 1, b => 2); lock_keys(%h); delete $h{b}; \%h };
$cases{restricted_locked} = do { my %h = (a => 1); lock_hash(%h); \%h };
$cases{weakref} = do { my $h = { x => 1 }; my $a = [ $h, $h ]; weaken($a->[1]); $a };
$cases{vstring} = [ v1.22.333, "after" ];
$cases{overloaded} = { t => JSON::PP::true, f => JSON::PP::false };
$cases{many_classes} = [ map { bless {}, "C$_" } 0 .. 199, 150, 3 ];
$cases{long_class} = [ bless([], "Long::" . ("x" x 200)), bless([], "Long::" . ("x" x 200)) ];
$cases{blessed_scalar} = [ bless(\(my $s = "v"), "My::Scalar") ];
$cases{blessed_ref_to_obj} = [ bless(\(bless {}, "Inner"), "Outer") ];
$cases{shared_scalar} = do { my $x = "y"; [ \$x, \$x, \\$x ] };
$cases{shared_deep} = do { my $leaf = { l => [1, 2] }; { a => $leaf, b => [$leaf, { c => $leaf }] } };
$cases{numbers} = [ 0, 1, -1, 127, 128, -128, -129, 32767, 65536, 2147483647, -2147483648,
                    2147483648, -2147483649, 9007199254740992, 9223372036854775807,
                    -9223372036854775808, 18446744073709551615, 0.5, -0.25, 1e15, 1.5e15, 2**53,
                    1e16, 1e20, 1e-5, 0.1 + 0.2, 1 / 3, -0.0, 3.0, 1e100, 123456.789 ];
$cases{number_strings} = [ "007", "1e3", "0x10", " 12", "3.140" ];
$cases{strings} = [ "", "a" x 255, "b" x 256, "\x{e9}" x 300, "\x{263a}" x 90, "nul\0byte",
                    "\x{1F600}", "mixed caf\x{e9} \x{263a}", "\x{ff}" ];
$cases{keys} = { "" => 1, "nul\0key" => 2, "k\x{e9}y" => 3, ("x" x 300) => 4 };
$cases{nested_utf8_keys} = { outer => { "\x{65e5}\x{672c}" => { "\x{e9}" => "v" } } };
$cases{undefs} = [ undef, \undef, do { my @a; $a[3] = 1; \@a } ];
$cases{bools} = [ !!1, !!0, { y => !!1 } ];
$cases{session} = bless { id => "123", user => "bob", n => 3, obj => bless({ name => "alice" }, "My::User") },
                  "Dancer::Session::Memcached";

for my $name (sort keys %cases) {
    for my $mode ('net', 'native') {
        my $b = $mode eq 'net' ? nfreeze($cases{$name}) : freeze($cases{$name});
        my $v = top(Storable::thaw($b));
        print "$name/$mode ", unpack('H*', $b), " ", $json->encode($v), "\n";
    }
}
