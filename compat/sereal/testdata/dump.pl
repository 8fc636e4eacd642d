# Reads one Sereal document on stdin, decodes it as Dancer::Session::Cookie
# does and prints it as JSON in the dancergo value model, plus which string
# values (by hash key) Perl holds as UTF-8 rather than bytes.
use strict; use warnings;
use FindBin; require "$FindBin::Bin/plain.pl";
use JSON::PP ();
use Sereal::Decoder ();
binmode STDIN; local $/; my $doc = <STDIN>;
my $v = Sereal::Decoder->new({ validate_utf8 => 1 })->decode($doc);
my %utf8;
if (ref $v eq 'HASH') { for (keys %$v) { $utf8{$_} = utf8::is_utf8($v->{$_}) ? 1 : 0 if defined $v->{$_} && !ref $v->{$_} } }
print JSON::PP->new->canonical->ascii->encode({ value => model($v), utf8 => \%utf8 }), "\n";
