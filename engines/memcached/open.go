package memcached

import (
	"errors"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
)

// Open returns an Engine for a Dancer application's settings:
//
//	memcached_servers  required, as Dancer: "host:port,host:port,/path/to/socket"
//	                   (a YAML list works too)
//	memcached_expire   dancergo's own: how long memcached keeps a session after
//	                   its last write, in Dancer's duration language; 0 for no
//	                   expiry, as Dancer. Unset: the session lifetime
//	                   (session_expires, else 24 hours).
//	memcached_timeout  dancergo's own: the socket timeout (default 500ms)
func Open(s *config.Settings) (adapter.Engine, error) {
	servers, err := s.List("memcached_servers")
	if err != nil {
		return nil, err
	}
	if len(servers) == 0 {
		return nil, &config.Error{Key: "memcached_servers", Err: errNoServers}
	}
	o := Options{Servers: servers}
	if _, set := s.Lookup("memcached_expire"); set {
		if o.Expire, err = s.Duration("memcached_expire", 0); err != nil {
			return nil, err
		}
		if o.Expire == 0 {
			o.Expire = NoExpiry
		}
	}
	if o.Timeout, err = s.Duration("memcached_timeout", 0); err != nil {
		return nil, err
	}
	e, err := New(o)
	if err != nil {
		return nil, &config.Error{Key: "memcached_servers", Value: servers, Err: err}
	}
	return e, nil
}

var errNoServers = errors.New("must be set: a comma-separated list of host:port or socket paths")
