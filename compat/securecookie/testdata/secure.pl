# Session::Storage::Secure with Dancer::Session::Cookie 0.30's options.
#   secure.pl decode SECRET    reads a cookie on stdin, prints {"value": ...}
#                              or {"undef": true} when Perl rejects it
#   secure.pl encode SECRET    prints JSON lines {name, cookie, value}, one
#                              for each value, each with a fresh random salt
use strict; use warnings; use utf8;
use FindBin; require "$FindBin::Bin/../../sereal/testdata/plain.pl";
use JSON::PP ();
use Session::Storage::Secure ();

my ($mode, $secret) = @ARGV;
my $store = Session::Storage::Secure->new(
    secret_key             => $secret,
    sereal_encoder_options => { snappy => 1, stringify_unknown => 1 },
    sereal_decoder_options => { validate_utf8 => 1 },
);
my $json = JSON::PP->new->canonical->ascii;
if ($mode eq 'decode') {
    local $/; my $cookie = <STDIN>;
    my $v = $store->decode($cookie);
    print $json->encode(defined $v ? { value => model($v) } : { undef => JSON::PP::true() }), "\n";
    exit;
}
package My::User { sub new { my ($c, %a) = @_; bless {%a}, $c } }
my %values = (
    simple => { id => '123', user => 'bob', count => 3 },
    kinds  => { id => '456', utf8 => "caf\x{e9} \x{263a}", latin1 => "caf\xe9", undef => undef, float => 2.5,
                neg => -1000, nested => { a => [ 1, { b => 'c' } ] }, user => My::User->new(name => 'alice') },
    large  => { id => '789', big => join(',', map { "item$_" } 1 .. 400) },
);
for my $name (sort keys %values) {
    print $json->encode({ name => $name, cookie => $store->encode($values{$name}), value => model($values{$name}) }), "\n";
}
