# Shared by the test scripts: turns Perl data into the JSON form of the
# dancergo value model (blessed => {"__class__","value"}, scalar ref =>
# {"__ref__"}), keeping the wire type of each scalar.
package main;
use strict; use warnings;
use B ();
use Scalar::Util qw(blessed reftype);

sub model {
    my ($v) = @_;
    return undef unless defined $v;
    if (my $class = blessed $v) {
        my $t = reftype $v;
        my $inner = $t eq 'HASH' ? model_hash($v) : $t eq 'ARRAY' ? [ map { model($_) } @$v ] : model($$v);
        return { '__class__' => $class, value => $inner };
    }
    my $r = ref $v;
    return model_hash($v) if $r eq 'HASH';
    return [ map { model($_) } @$v ] if $r eq 'ARRAY';
    return { '__ref__' => model($$v) } if $r eq 'SCALAR' || $r eq 'REF';
    die "cannot model a $r" if $r;
    { no warnings; return $v ? JSON::PP::true() : JSON::PP::false() if builtin::is_bool($v); }
    my $flags = B::svref_2object(\$v)->FLAGS;
    return "$v" if $flags & B::SVf_POK;
    if ($flags & B::SVf_IOK) {
        # An unsigned value beyond int64 is a string in the model.
        return ($flags & B::SVf_IVisUV) && $v > 9223372036854775807 ? "$v" : 0 + $v;
    }
    return 0 + $v if $flags & B::SVf_NOK;
    return "$v";
}
sub model_hash { my ($h) = @_; return { map { $_ => model($h->{$_}) } keys %$h } }
1;
