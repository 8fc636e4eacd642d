#!/usr/bin/perl
# Test helper for package perlyaml: YAML.pm 1.30 on one side of a round trip.
#
#   perl yamlpm.pl load < [yaml, ...]     -> [{value, dump} | {error}, ...]
#   perl yamlpm.pl dump < [value, ...]    -> [yaml, ...]
#
# Input and output are UTF-8 JSON. Values use the fixtures' JSON form:
# {"__class__": C, "value": V} is a blessed reference and {"__ref__": V} a
# reference to a scalar (or to a reference). Strings are upgraded to
# character strings first, as Dancer's decoded parameters and YAML::LoadFile's
# :utf8 layer make them, so that Perl's \s is Unicode whitespace.
use strict;
use warnings;
use YAML ();
use JSON::PP ();
use Scalar::Util qw(blessed reftype);
use B ();

$YAML::LoadBlessed = 1;
my $json = JSON::PP->new->utf8->canonical->allow_nonref;
my $mode = shift // '';
my $in = $json->decode(do { local $/; binmode STDIN; <STDIN> });
my @out;
if ($mode eq 'load') {
    for my $yaml (@$in) {
        utf8::upgrade($yaml);
        my $v = eval { YAML::Load($yaml) };
        if (my $e = $@) { push @out, { error => "$e" }; next }
        push @out, { value => to_json_form($v), dump => YAML::Dump($v) };
    }
} elsif ($mode eq 'dump') {
    push @out, YAML::Dump(from_json_form($_)) for @$in;
} else {
    die "usage: $0 load|dump < input.json\n";
}
binmode STDOUT;
print $json->encode(\@out);

# to_json_form turns a loaded value into the JSON form; scalars stay strings.
sub to_json_form {
    my ($v) = @_;
    return $v unless ref $v;
    my $class = blessed $v;
    my $type = reftype $v;
    my $inner;
    if ($type eq 'HASH') {
        $inner = { map { ($_ => to_json_form($v->{$_})) } keys %$v };
    } elsif ($type eq 'ARRAY') {
        $inner = [ map { to_json_form($_) } @$v ];
    } elsif ($type eq 'SCALAR' or $type eq 'REF') {
        $inner = { __ref__ => to_json_form($$v) };
    } else {
        die "cannot show a $type\n";
    }
    return defined $class ? { __class__ => $class, value => $inner } : $inner;
}

# from_json_form builds the Perl value; JSON numbers stay Perl numbers.
sub from_json_form {
    my ($j) = @_;
    if (!ref $j) {
        utf8::upgrade($j) if defined $j && B::svref_2object(\$j)->FLAGS & B::SVp_POK;
        return $j;
    }
    if (ref $j eq 'ARRAY') {
        return [ map { from_json_form($_) } @$j ];
    }
    if (JSON::PP::is_bool($j)) {
        return $j ? !!1 : !!0;
    }
    my @k = keys %$j;
    if (@k == 2 && exists $j->{__class__} && exists $j->{value}) {
        my $inner = from_json_form($j->{value});
        return bless $inner, $j->{__class__};
    }
    if (@k == 1 && exists $j->{__ref__}) {
        my $x = from_json_form($j->{__ref__});
        return \$x;
    }
    my %h;
    for my $k (@k) {
        my $key = $k;
        utf8::upgrade($key);
        $h{$key} = from_json_form($j->{$k});
    }
    return \%h;
}
