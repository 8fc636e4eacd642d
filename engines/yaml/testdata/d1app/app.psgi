# A Dancer 1 application for engines/yaml's end-to-end test. It reads the
# config.yml in $DANCER_CONFDIR (session: YAML, session_dir, session_name),
# the file examples/login reads too.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/..";
BEGIN {
    die "set DANCER_CONFDIR to the directory of config.yml\n" unless $ENV{DANCER_CONFDIR};
    $ENV{DANCER_APPDIR} ||= $ENV{DANCER_CONFDIR};
}
use Dancer ':syntax';
use YAML ();
use JSONForm ();

set apphandler => 'PSGI';
set logger     => 'console';
set log        => 'warning';

post '/login' => sub {
    session user => param('user');
    redirect '/home';
};

get '/home' => sub {
    my $user = session('user');
    return redirect '/login' unless defined $user;
    content_type 'text/plain';
    return "Hello, $user\n";
};

get '/logout' => sub {
    session->destroy;
    redirect '/login';
};

# Values of every kind.
post '/kinds' => sub {
    my %kinds = JSONForm::kinds();
    session $_ => $kinds{$_} for keys %kinds;
    session nothing => undef; # Dancer 1 keeps undef (Dancer2 would delete the key)
    return "ok\n";
};

post '/session' => sub {
    my %p = params('body');
    session $_ => $p{$_} for keys %p;
    return "ok\n";
};

# Loads the session, tells the test (a file "loaded" in the directory sync),
# waits for its go-ahead (a file "go"), then sets a key: Dancer 1 then
# writes back the whole session it loaded, whatever was written meanwhile.
post '/slow' => sub {
    my $user = session('user');
    my $sync = param('sync');
    open my $fh, '>', "$sync/loaded" or die "$sync/loaded: $!";
    close $fh;
    for (1 .. 1000) {
        last if -e "$sync/go";
        select(undef, undef, undef, 0.01);
    }
    session perl_key => 'set by Perl';
    return "ok\n";
};

# The session as this app sees it (Dancer 1 reloads without
# $YAML::LoadBlessed, so nested objects come back unblessed).
get '/session' => sub {
    my $s = session;
    content_type 'application/json';
    return JSONForm::encode({ map { ($_ => $s->{$_}) } keys %$s });
};

# The session file as a reader with $YAML::LoadBlessed sees it.
get '/file' => sub {
    local $YAML::LoadBlessed = 1;
    my $data = YAML::LoadFile(setting('session_dir') . '/' . session->id . '.yml');
    content_type 'application/json';
    return JSONForm::encode({ class => ref($data), data => { %$data } });
};

dance;
