# A Dancer2 application for engines/yaml's end-to-end test: the YAML
# session engine in $SESSION_DIR, cookie dancer.session.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/..";

package D2App;
use Dancer2;
use JSONForm ();

die "set SESSION_DIR\n" unless $ENV{SESSION_DIR};
set engines => { session => { YAML => { session_dir => $ENV{SESSION_DIR} } } };
set session => 'YAML';
set logger  => 'console';
set log     => 'warning';

post '/login' => sub {
    session user => body_parameters->get('user');
    redirect '/home';
};

get '/home' => sub {
    my $user = session('user');
    return redirect '/login' unless defined $user;
    content_type 'text/plain';
    return "Hello, $user\n";
};

get '/logout' => sub {
    app->destroy_session;
    redirect '/login';
};

post '/kinds' => sub {
    my %kinds = JSONForm::kinds();
    session $_ => $kinds{$_} for keys %kinds;
    return "ok\n";
};

post '/session' => sub {
    my $p = body_parameters;
    session $_ => $p->get($_) for $p->keys;
    return "ok\n";
};

# The session as Dancer2 sees it (it loads with $YAML::LoadBlessed).
get '/session' => sub {
    content_type 'application/json';
    return JSONForm::encode({ %{ session->data } });
};

D2App->to_app;
