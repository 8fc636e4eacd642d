# The Perl Dancer 1 application being moved to Go, route by route. It reads
# config.yml beside this file, as the Go service does.
use strict;
use warnings;
use FindBin;
BEGIN { $ENV{DANCER_APPDIR} ||= $FindBin::Bin; $ENV{DANCER_CONFDIR} ||= $FindBin::Bin }
use Dancer ':syntax';
use JSON::PP ();

set apphandler => 'PSGI';
set logger     => 'console';
set log        => 'warning';

get '/login' => sub {
    content_type 'text/html';
    return qq{<!doctype html><title>Log in</title><form method="post" action="/login">}
         . qq{<label>User <input name="user"></label> <button>Log in</button></form>\n};
};

post '/login' => sub {
    my $user = param('user');
    return send_error('user is required', 400) unless defined $user && length $user;
    session user => $user;
    redirect '/home';
};

get '/home' => sub {
    my $user = session('user');
    return redirect '/login' unless defined $user;
    content_type 'text/plain';
    return "Hello, $user\n";
};

get '/account' => sub {
    my $user = session('user');
    return redirect '/login' unless defined $user;
    session visits => (session('visits') || 0) + 1;
    content_type 'text/plain';
    return "Account of $user (visit " . session('visits') . ", served by Perl)\n";
};

get '/logout' => sub {
    session->destroy;
    redirect '/login';
};

dance;
