# JSONForm: Perl values in the JSON form of dancergo's fixtures, for the
# end-to-end tests' Perl apps: a blessed reference is {"__class__": C,
# "value": V}, a reference to a scalar {"__ref__": V}.
package JSONForm;
use strict;
use warnings;
use JSON::PP ();
use Scalar::Util qw(blessed reftype);

my $json = JSON::PP->new->utf8->canonical->allow_nonref;

sub encode { $json->encode(form($_[0])) }

sub form {
    my ($v) = @_;
    return $v unless ref $v;
    my $type = reftype $v;
    my $inner =
        $type eq 'HASH'  ? { map { ($_ => form($v->{$_})) } keys %$v }
      : $type eq 'ARRAY' ? [ map { form($_) } @$v ]
      : $type eq 'SCALAR' || $type eq 'REF' ? { __ref__ => form($$v) }
      : die "cannot show a $type\n";
    my $class = blessed $v;
    return defined $class ? { __class__ => $class, value => $inner } : $inner;
}

# kinds are values of every kind a Perl app keeps in its session.
sub kinds {
    my $scalar = "pointed at";
    return (
        nested  => { list => [ 1, 'two', [ 3, { four => 4 } ] ], empty_hash => {}, empty_list => [], inner_undef => undef },
        utf8    => "caf\x{e9} \x{263a} \x{65e5}\x{672c} \x{2028}\x{85}",
        multi   => "line one\nline two\n  indented line three\n\n",
        short   => "a\nb",
        object  => bless({ name => 'alice', roles => [ 'admin', 'dev' ] }, 'My::Thing'),
        list_object => bless([ 'x', 'y' ], 'My::List'),
        scalar_ref  => \$scalar,
        tricky  => 'key: value # not a comment',
        quoted  => qq{it's "quoted"},
        control => "tab\there\x01",
        padded  => '  padded  ',
        number  => 42,
        float   => 3.14,
        numstr  => '007',
        empty   => '',
    );
}

1;
