# A Dancer 1 app on Dancer::Session::Cookie for the end-to-end test. It
# reads config.yml from its working directory (the test writes one there with
# the same session_cookie_key that examples/login gets) and offers the
# routes of examples/login, plus some that store every kind of Perl value.
use strict; use warnings; use utf8;
use Cwd ();
use File::Basename ();
use File::Spec ();
use Dancer ':syntax';
use JSON::PP ();
# The value model's JSON form is shared with compat/sereal's tests.
BEGIN { require File::Spec->catfile(File::Basename::dirname(File::Spec->rel2abs(__FILE__)), qw(.. .. .. compat sereal testdata plain.pl)) }

set appdir => Cwd::getcwd();
set confdir => Cwd::getcwd();
Dancer::Config::load();
set apphandler => 'PSGI';
set logger => 'console';
set log => 'error';

package My::User { sub new { my ($c, %a) = @_; bless {%a}, $c } }

my $json = JSON::PP->new->canonical->ascii;
sub as_json { content_type 'application/json'; return $json->encode($_[0]) . "\n" }

post '/login' => sub {
    my $user = params->{user} or return send_error('user is required', 400);
    session user => $user;
    redirect '/home';
};
get '/home' => sub {
    my $user = session('user');
    return redirect '/login' unless defined $user && length $user;
    content_type 'text/plain';
    return "Hello, $user\n";
};
get '/logout' => sub { session->destroy; redirect '/login' };
get '/session' => sub { as_json(main::model({ %{ session() } })) };
post '/session' => sub {
    my %p = params('body');
    session $_ => $p{$_} for keys %p;
    as_json(main::model({ %{ session() } }));
};
# Which top-level string values Perl holds as characters (UTF-8 flag on)
# rather than bytes.
get '/utf8' => sub {
    my $s = session();
    as_json({ map { $_ => (utf8::is_utf8($s->{$_}) ? 1 : 0) } grep { defined $s->{$_} && !ref $s->{$_} } keys %$s });
};
get '/set/kinds' => sub {
    my $alice = My::User->new(name => 'alice', roles => [ 'admin', 'dev' ], uid => 1001);
    my $shared = { shared => 'yes' };
    my %v = (
        user      => 'carol',
        nested    => { a => 1, b => { c => 'deep', d => [ 1, 2, [ 3, { e => undef } ] ] } },
        utf8      => "caf\x{e9} \x{263a} \x{65e5}\x{672c}",
        latin1    => "caf\xe9",
        bytes     => "caf\xc3\xa9",
        undef_val => undef,
        number    => 42,
        negative  => -4000000000,
        float     => 3.14,
        empty     => '',
        numstr    => '007',
        yes       => !!1,
        no        => !!0,
        admin     => $alice,
        also      => $alice,
        bob       => My::User->new(name => 'bob'),
        list      => [ map { { name => "n$_", note => 'the same string again' } } 1 .. 5 ],
        refs      => [ $shared, $shared, \'scalar' ],
    );
    session $_ => $v{$_} for keys %v;
    as_json(main::model({ %{ session() } }));
};
get '/set/large' => sub {
    session large => join(',', map { "item$_" } 1 .. 400);
    session more  => [ map { { name => "record $_", value => $_ * 1000 } } 1 .. 30 ];
    as_json(main::model({ %{ session() } }));
};
dance;
