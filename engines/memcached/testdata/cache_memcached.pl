#!/usr/bin/perl
# Drives Perl's Cache::Memcached 1.30 the way Dancer::Session::Memcached
# does. Usage: cache_memcached.pl SERVERS (a memcached_servers value), then
# commands on stdin, one per line:
#   bucket KEY   prints the index of the server Cache::Memcached picks
#   set KEY      stores bless({id => KEY, who => "perl"}, Dancer::Session::Memcached)
#   get KEY      prints the thawed value's "id" and "who", or "miss"
use strict;
use warnings;
use Cache::Memcached;

my $servers = [ split /,/, shift ];
my $mc = Cache::Memcached->new(servers => $servers);
$| = 1;
while (my $line = <STDIN>) {
    chomp $line;
    my ($cmd, $key) = split / /, $line;
    if ($cmd eq 'bucket') {
        print Cache::Memcached::_hashfunc($key) % scalar(@$servers), "\n";
    } elsif ($cmd eq 'set') {
        my $ok = $mc->set($key => bless({ id => $key, who => 'perl' }, 'Dancer::Session::Memcached'));
        print $ok ? "stored\n" : "failed\n";
    } elsif ($cmd eq 'get') {
        my $v = $mc->get($key);
        print defined $v ? ref($v) . " $v->{id} $v->{who}\n" : "miss\n";
    }
}
