# A Dancer 1 app on Dancer::Session::Memcached, for the end-to-end tests:
# the routes of dancergo's examples/login, plus one that stores Perl values
# of every kind. The servers come from MEMCACHED_SERVERS.
use strict;
use warnings;
# JSON::PP tells numbers from strings by their flags.
BEGIN { $ENV{PERL_JSON_PP_USE_B} = 1 }
use Dancer;
use JSON::PP ();
use Scalar::Util qw(blessed reftype);

set apphandler        => 'PSGI';
set environment       => 'production';
set logger            => 'console';
set log               => 'warning';
set memcached_servers => $ENV{MEMCACHED_SERVERS};
set session           => 'Memcached';

my $json = JSON::PP->new->ascii->canonical->allow_nonref;

# plain turns session data into the JSON form of dancergo's value model:
# {"__class__", "value"} for objects, {"__ref__"} for scalar references.
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

post '/login' => sub {
    session user => params('body')->{user};
    redirect '/home';
};

get '/home' => sub {
    my $user = session('user');
    return redirect '/login' unless defined $user && length $user;
    content_type 'text/plain';
    "Hello, $user\n";
};

get '/logout' => sub {
    session->destroy;
    redirect '/login';
};

get '/session' => sub {
    content_type 'application/json';
    $json->encode(plain({ %{ session() } })) . "\n";
};

post '/session' => sub {
    my $body = params('body');
    session $_ => $body->{$_} for sort keys %$body;
    content_type 'application/json';
    $json->encode(plain({ %{ session() } })) . "\n";
};

# Which top-level strings of the session are UTF-8 flagged ("utf8") or byte
# strings ("bytes").
get '/flags' => sub {
    my $s = session();
    my %flags = map { ($_ => utf8::is_utf8($s->{$_}) ? 'utf8' : 'bytes') }
                grep { defined $s->{$_} && !ref $s->{$_} } keys %$s;
    content_type 'application/json';
    $json->encode(\%flags) . "\n";
};

# Values of every kind a Perl app may keep in its session.
post '/perl-values' => sub {
    my $flagged = "caf\x{e9}";
    utf8::upgrade($flagged);
    session nested       => { list => [ 1, [ 2, { deep => 'x' } ] ], map => { a => { b => undef } } };
    session utf8         => "caf\x{e9} \x{263a} \x{65e5}\x{672c}";
    session latin1_bytes => "caf\xe9";
    session utf8_bytes   => "caf\xc3\xa9";
    session flagged      => $flagged;
    session big          => 4000000000;
    session bigneg       => -9000000000;
    session huge         => 18446744073709551615;
    session float        => 3.14;
    session tiny         => 1e-20;
    session int          => 42;
    session negative     => -7;
    session undef_val    => undef;
    session empty        => '';
    session object       => bless({ name => 'alice', uid => 1001, roles => [ 'admin', 'dev' ] }, 'My::User');
    session list_object  => bless([ 1, 2 ], 'My::List');
    session scalar_ref   => \"referenced";
    session multiline    => "line one\nline two\n";
    content_type 'application/json';
    $json->encode(plain({ %{ session() } })) . "\n";
};

dance;
