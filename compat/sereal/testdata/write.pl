# Writes Sereal documents of many kinds with Perl's Sereal::Encoder and
# prints one JSON line for each: its name, the document in hex and the value
# it holds in the dancergo value model.
use strict; use warnings; use utf8;
use FindBin; require "$FindBin::Bin/plain.pl";
use JSON::PP ();
use Sereal::Encoder qw(SRL_SNAPPY SRL_ZLIB SRL_UNCOMPRESSED);
use Sereal::Decoder ();
use Scalar::Util qw(weaken);

package My::Thing { sub new { my ($c, %a) = @_; bless {%a}, $c } }

my $shared = [ 'shared', 1 ];
my $obj = My::Thing->new(name => 'alice', roles => [ 'admin', 'dev' ]);
my $s = 'scalar';
my %values = (
    scalars => { int => 42, neg => -7, big => 4000000000, negbig => -4000000000, uvmax => 18446744073709551615,
                 small => 0, minus16 => -16, minus17 => -17, float => 3.14, half => 0.5, nfloat => -2.75,
                 str => 'hello', empty => '', undef => undef, numstr => '007', yes => !!1, no => !!0 },
    strings => { utf8 => "caf\x{e9} \x{263a} \x{65e5}\x{672c}", latin1 => "caf\xe9", bytes_utf8 => "caf\xc3\xa9",
                 long => 'x' x 200, "k\x{e9}y" => 'latin key', "\x{263a}" => 'utf8 key' },
    nested => { a => 1, b => { c => 'deep', d => [ 1, 2, [ 3, [ 4, { e => undef } ] ] ] }, e => [], f => {} },
    objects => { one => $obj, two => My::Thing->new(name => 'bob'), three => bless([ 1, 2 ], 'My::List'),
                 scalarobj => bless(\(my $x = 'v'), 'My::Scalar'), again => $obj },
    refs => { a => $shared, b => $shared, s1 => \$s, s2 => \$s, rr => \\'z', aref_to_aref => \[ 1 ] },
    repeated => { list => [ map { { name => "n$_", value => 'same string value', id => $_ } } 1 .. 20 ] },
    large => { big => join(',', map { "item$_" } 1 .. 400), n => 1 },
);
my @out;
for my $name (sort keys %values) {
    for my $pv (1 .. 5) {
        for my $comp ([ raw => SRL_UNCOMPRESSED ], [ snappy => SRL_SNAPPY ], [ zlib => SRL_ZLIB ]) {
            next if $comp->[0] eq 'zlib' && $pv < 3;
            my %opt = (protocol_version => $pv, compress => $comp->[1], compress_threshold => 0);
            $opt{dedupe_strings} = 1 if $name eq 'repeated';
            # compress_threshold 0 compresses every document, to test the
            # compressed paths on small ones too.
            my $doc = Sereal::Encoder->new(\%opt)->encode($values{$name});
            # The expected value is what Perl's own decoder reads back: older
            # protocols, for instance, have no booleans.
            push @out, { name => "$name/v$pv/$comp->[0]", hex => unpack('H*', $doc), value => model(Sereal::Decoder->new->decode($doc)) };
        }
    }
}
# What Dancer::Session::Cookie itself writes (protocol 5, Snappy over 1024 bytes).
for my $name (sort keys %values) {
    my $doc = Sereal::Encoder->new({ snappy => 1, stringify_unknown => 1 })->encode($values{$name});
    push @out, { name => "$name/dancer", hex => unpack('H*', $doc), value => model($values{$name}) };
}
# A tree whose children point back at their parent through weak
# references: a cycle, which the value model cannot hold.
my $tree = { name => 'root' };
$tree->{kids} = [ { name => 'kid', parent => $tree } ];
weaken($tree->{kids}[0]{parent});
push @out, { name => 'weak-cycle', hex => unpack('H*', Sereal::Encoder->new->encode($tree)), error => 'cycle' };
print JSON::PP->new->canonical->ascii->encode($_), "\n" for @out;
