#!/usr/bin/perl
# Reads session file paths on stdin and prints, for each, one line of JSON:
# what Storable::retrieve (Dancer::Session::Storable's retrieve) returns, or
# {"err": message}.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use Storable qw(retrieve);
use PerlSession qw(to_json);

$| = 1;
while (my $path = <STDIN>) {
    chomp $path;
    my $v = eval { retrieve($path) };
    print defined $v ? to_json($v) : '{"err":' . JSON::PP->new->encode("$@") . '}', "\n";
}
