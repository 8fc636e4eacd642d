#!/usr/bin/perl
# Reads Storable documents, one per line as "thaw HEX" (a frozen string) or
# "retrieve PATH" (a file), and prints each as one line of JSON:
# {"ok": value} in the form of compat/perl (see PerlValue.pm), or
# {"err": message}.
use strict;
use warnings;
# JSON::PP tells numbers from strings by their flags (not by a heuristic
# that takes some NVs for strings).
BEGIN { $ENV{PERL_JSON_PP_USE_B} = 1 }
use FindBin;
use lib $FindBin::Bin;
use Storable qw(thaw retrieve);
use JSON::PP;
use PerlValue qw(top);

my $json = JSON::PP->new->ascii->canonical->allow_nonref;
$| = 1;
while (my $line = <STDIN>) {
    chomp $line;
    my ($how, $arg) = split / /, $line, 2;
    my $out = eval {
        my $r = $how eq 'retrieve' ? retrieve($arg) : thaw(pack 'H*', $arg);
        die "nothing returned\n" unless ref $r;
        { ok => top($r) };
    } || { err => "$@" };
    print $json->encode($out), "\n";
}
