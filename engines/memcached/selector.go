package memcached

import (
	"fmt"
	"hash/crc32"
	"net"
	"strconv"
	"strings"

	"github.com/bradfitz/gomemcache/memcache"
)

// ServerSelector is a gomemcache ServerSelector that sends each key to the
// server Perl's Cache::Memcached 1.30 sends it to, so that a Go app and a
// Perl Dancer app given the same memcached_servers list find each session on
// the same server. With one server every key goes to it; with N servers a
// key goes to server ((crc32(key) >> 16) & 0x7fff) % N, crc32 being the IEEE
// CRC of String::CRC32 (Cache::Memcached's _hashfunc and get_sock).
//
// Cache::Memcached, when a server does not answer, marks it dead for 20 to
// 30 seconds and re-hashes its keys onto the others. ServerSelector does not:
// a session whose server is down is unavailable (the adapter answers 503)
// rather than silently moved to a server where it is not, and back again
// when the first returns.
type ServerSelector struct {
	addrs []net.Addr
}

// NewServerSelector parses a server list as Dancer's memcached_servers holds
// it: "host:port" (an IPv6 host in brackets) or the path of a Unix socket,
// which Cache::Memcached recognises by its leading "/". Host names are
// resolved when connecting, not here.
func NewServerSelector(servers []string) (*ServerSelector, error) {
	if len(servers) == 0 {
		return nil, fmt.Errorf("memcached: no servers")
	}
	s := &ServerSelector{addrs: make([]net.Addr, len(servers))}
	for i, server := range servers {
		if strings.HasPrefix(server, "/") {
			s.addrs[i] = addr{network: "unix", address: server}
			continue
		}
		host, port, err := net.SplitHostPort(server)
		if err != nil {
			return nil, fmt.Errorf("memcached: server %q: want host:port or a socket path: %w", server, err)
		}
		if n, err := strconv.ParseUint(port, 10, 16); host == "" || err != nil || n == 0 {
			return nil, fmt.Errorf("memcached: server %q: want host:port with a port number", server)
		}
		s.addrs[i] = addr{network: "tcp", address: server}
	}
	return s, nil
}

// Bucket returns the index in the server list of the server for key.
func (s *ServerSelector) Bucket(key string) int {
	if len(s.addrs) <= 1 {
		return 0
	}
	h := (crc32.ChecksumIEEE([]byte(key)) >> 16) & 0x7fff
	return int(h % uint32(len(s.addrs)))
}

// PickServer returns the server for key.
func (s *ServerSelector) PickServer(key string) (net.Addr, error) {
	if len(s.addrs) == 0 {
		return nil, memcache.ErrNoServers
	}
	return s.addrs[s.Bucket(key)], nil
}

// Each calls f for every server, in list order.
func (s *ServerSelector) Each(f func(net.Addr) error) error {
	for _, a := range s.addrs {
		if err := f(a); err != nil {
			return err
		}
	}
	return nil
}

// addr is a server address as written in the configuration; the dialer
// resolves it on every new connection.
type addr struct {
	network, address string
}

func (a addr) Network() string { return a.network }
func (a addr) String() string  { return a.address }
