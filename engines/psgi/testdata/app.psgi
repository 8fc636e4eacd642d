# A plain Plack app on Plack::Middleware::Session with
# Plack::Session::Store::File in $PSGI_SESSION_DIR: the Perl side of
# engines/psgi's interop tests. Routes, like examples/login's:
#
#   GET /login?user=NAME  session user => NAME, new id (change_id), 303 /home
#   GET /home             "Hello, NAME", or 303 /login
#   GET /logout           expire the session (file removed), 303 /login
#   GET /session          the session as JSON (JSON::PP, canonical, ASCII);
#                         blessed => {"__class__", "value"}, scalar ref =>
#                         {"__ref__"}
#   GET /set?k=v&...      set each query parameter as a (byte) string
#   GET /set/all          set values of every kind a session may hold
#
# Every response carries the Plack session id in X-Session-Id.
use strict;
use warnings;
use utf8;

use JSON::PP ();
use Plack::Builder;
use Plack::Request;
use Plack::Session::Store::File;
use Scalar::Util qw(blessed reftype);

package Test::Account {
    sub new { my ($class, %f) = @_; return bless {%f}, $class }
}

my $dir = $ENV{PSGI_SESSION_DIR} or die "PSGI_SESSION_DIR is not set\n";
my $json = JSON::PP->new->canonical->ascii->allow_nonref;

# plain turns a session value into the JSON form of dancergo's value model.
sub plain {
    my ($v) = @_;
    return $v unless ref $v;
    if (my $class = blessed $v) {
        my $inner = reftype($v) eq 'HASH'  ? {%$v}
                  : reftype($v) eq 'ARRAY' ? [@$v]
                  :                          $$v;    # a blessed scalar: the model keeps the scalar
        return {__class__ => $class, value => plain($inner)};
    }
    return {map { $_ => plain($v->{$_}) } keys %$v} if ref $v eq 'HASH';
    return [map { plain($_) } @$v]                  if ref $v eq 'ARRAY';
    return {__ref__ => plain($$v)}                   if ref $v eq 'SCALAR' || ref $v eq 'REF';
    die "cannot show a " . ref($v) . "\n";
}

# every_kind is what GET /set/all stores.
sub every_kind {
    return (
        string     => 'hello world',
        empty      => '',
        multiline  => "line one\nline two\n",
        int        => 42,
        negative   => -2147483648,
        large      => 4000000000,
        uv_max     => 18446744073709551615,
        big_string => '123456789012345678901234567890',
        float      => 3.14,
        tiny       => 1.5e-300,
        computed   => 0.1 + 0.2,
        undef_val  => undef,
        utf8       => "caf\x{e9} \x{263a} \x{1F600}",
        utf8_latin => "d\x{e9}j\x{e0} vu",    # UTF-8 flagged, all <= U+00FF
        latin1     => do { no utf8; my $b = "caf\xe9 \xff"; utf8::downgrade($b); $b },
        octets     => do { my $b = "caf\xc3\xa9"; utf8::downgrade($b); $b },    # undecoded UTF-8
        binary     => "\x00\x01\x02\xfe\xff",
        "cl\x{e9}" => 'latin-1 key',
        "\x{43a}\x{43b}\x{44e}\x{447}" => 'utf-8 key',
        nested     => {list => [1, 'two', [3, [4]], {five => 5}], empty_h => {}, empty_a => []},
        object     => Test::Account->new(name => 'alice', roles => ['admin', 'dev'], uid => 1001),
        listobj    => bless([1, 2, 3], 'Test::List'),
        scalar_ref => \'referred',
        bool_true  => JSON::PP::true,
        bool_false => JSON::PP::false,
    );
}

my $app = sub {
    my $env  = shift;
    my $req  = Plack::Request->new($env);
    my $s    = $env->{'psgix.session'};
    my $opts = $env->{'psgix.session.options'};
    my $path = $req->path_info;
    my @hdr  = ('X-Session-Id' => $opts->{id});
    my $redirect = sub { [303, [@hdr, Location => $_[0]], []] };
    my $text = sub { [$_[0], [@hdr, 'Content-Type' => 'text/plain; charset=utf-8'], [$_[1]]] };

    if ($path eq '/login') {
        my $user = $req->query_parameters->{user};
        return $text->(400, "user is required\n") unless defined $user && length $user;
        $s->{user} = $user;
        $opts->{change_id} = 1;
        return $redirect->('/home');
    }
    if ($path eq '/home') {
        return $redirect->('/login') unless defined $s->{user} && length $s->{user};
        return $text->(200, "Hello, $s->{user}\n");
    }
    if ($path eq '/logout') {
        $opts->{expire} = 1;
        return $redirect->('/login');
    }
    if ($path eq '/session') {
        return [200, [@hdr, 'Content-Type' => 'application/json'], [$json->encode(plain($s))]];
    }
    if ($path eq '/set') {
        my $q = $req->query_parameters;
        $s->{$_} = $q->{$_} for keys %$q;
        return $text->(200, "ok\n");
    }
    if ($path eq '/set/all') {
        %$s = (%$s, every_kind());
        return $text->(200, "ok\n");
    }
    return $text->(404, "not found\n");
};

builder {
    enable 'Session', store => Plack::Session::Store::File->new(dir => $dir);
    $app;
};
