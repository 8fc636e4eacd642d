#!/usr/bin/perl
# Reads numbers, one per line as "d HEX" (the 8 bytes of a double,
# big-endian) or "i DECIMAL" (an integer), and prints nfreeze(\$n) of each
# as hex: what Storable writes for that NV or IV.
use strict;
use warnings;
use Storable qw(nfreeze);

while (my $line = <STDIN>) {
    chomp $line;
    my ($kind, $arg) = split / /, $line;
    my $n = $kind eq 'd' ? unpack('d>', pack('H*', $arg)) : 0 + $arg;
    print unpack('H*', nfreeze(\$n)), "\n";
}
