#!/usr/bin/perl
# Writes a session file as Dancer::Session::Storable's flush does,
# Storable::nstore of the session object, with values of every kind.
# Usage: nstore.pl DIR NAME ID. Prints the session as retrieve reads it.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use Storable qw(nstore retrieve);
use PerlSession qw(to_json);

my ($dir, $name, $id) = @ARGV;
my $flagged = "caf\x{e9}";
utf8::upgrade($flagged);
my $session = bless {
    id           => $id,
    user         => 'alice',
    nested       => { list => [ 1, [ 2, { deep => 'x' } ] ], map => { a => { b => undef } } },
    utf8         => "caf\x{e9} \x{263a} \x{65e5}\x{672c}",
    latin1_bytes => "caf\xe9",
    utf8_bytes   => "caf\xc3\xa9",
    flagged      => $flagged,
    big          => 4000000000,
    float        => 3.14,
    int          => 42,
    undef_val    => undef,
    object       => bless({ name => 'alice', roles => ['admin'] }, 'My::User'),
    scalar_ref   => \"referenced",
}, 'Dancer::Session::Storable';
nstore($session, "$dir/${name}_$id.stor") or die "nstore: $!";
print to_json(retrieve("$dir/${name}_$id.stor")), "\n";
