package PerlValue;
# Turns thawed Perl data into the JSON form of compat/perl: blessed values
# are {"__class__", "value"}, scalar references {"__ref__"}, PL_sv_yes/no
# true/false. Scalars are passed through, so JSON::PP prints IVs and NVs as
# numbers and strings as strings, as Storable left them.
use strict;
use warnings;
no warnings 'experimental::builtin';
use Exporter 'import';
BEGIN { $ENV{PERL_JSON_PP_USE_B} = 1 }
use JSON::PP ();
use Scalar::Util qw(blessed reftype);

our @EXPORT_OK = qw(plain top);

sub plain {
    my ($v) = @_;
    if (defined(my $class = blessed $v)) {
        return { __class__ => $class, value => unblessed($v) };
    }
    return unblessed($v) if ref $v;
    return undef unless defined $v;
    # builtin::is_bool exists from Perl 5.36 on.
    return $v ? JSON::PP::true() : JSON::PP::false() if defined &builtin::is_bool && builtin::is_bool($v);
    return $v;
}

sub unblessed {
    my ($r) = @_;
    my $t = reftype $r;
    return { map { ($_ => plain($r->{$_})) } keys %$r } if $t eq 'HASH';
    return [ map { plain($_) } @$r ] if $t eq 'ARRAY';
    if ($t eq 'SCALAR' || $t eq 'REF' || $t eq 'VSTRING') {
        return plain($$r) if blessed $r;
        return { __ref__ => plain($$r) };
    }
    die "cannot show a $t reference\n";
}

# top returns the top-level referent of what thaw or retrieve returned, as
# dancergo's Unmarshal does.
sub top {
    my ($r) = @_;
    return plain($r) if blessed $r;
    my $t = reftype $r;
    return plain($$r) if $t eq 'SCALAR' || $t eq 'REF';
    return plain($r);
}

1;
