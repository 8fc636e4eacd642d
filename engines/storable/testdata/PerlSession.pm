package PerlSession;
# Shared by the test scripts: turns Perl data into the JSON form of
# dancergo's value model ({"__class__", "value"} for objects, {"__ref__"}
# for scalar references), numbers and strings as Perl holds them.
use strict;
use warnings;
BEGIN { $ENV{PERL_JSON_PP_USE_B} = 1 }
use JSON::PP ();
use Scalar::Util qw(blessed reftype);
use Exporter 'import';
our @EXPORT_OK = qw(plain to_json);

my $json = JSON::PP->new->ascii->canonical->allow_nonref;

sub plain {
    my ($v) = @_;
    if (defined(my $class = blessed $v)) {
        my $t = reftype $v;
        my $inner = $t eq 'HASH' ? plain({%$v}) : $t eq 'ARRAY' ? plain([@$v]) : plain($$v);
        return { __class__ => $class, value => $inner };
    }
    my $t = ref $v;
    return { map { ($_ => plain($v->{$_})) } keys %$v } if $t eq 'HASH';
    return [ map { plain($_) } @$v ] if $t eq 'ARRAY';
    return { __ref__ => plain($$v) } if $t eq 'SCALAR' || $t eq 'REF';
    return $v;
}

sub to_json { $json->encode(plain($_[0])) }

1;
