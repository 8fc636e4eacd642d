package redis

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/compat/storable"
)

// Defaults of the redis_* settings.
const (
	// DefaultServer is where Redis is looked for when redis_server is unset.
	DefaultServer = "127.0.0.1:6379"
	// DefaultPrefix is scs's redisstore's own key prefix, so that an
	// unchanged scs application finds the same keys.
	DefaultPrefix = "scs:session:"
	// DefaultTimeout bounds each session operation (see Config.Timeout). A
	// session store that takes longer is as good as down: the visitor gets
	// a 503 rather than a hung request.
	DefaultTimeout = time.Second
	// DefaultCodec is the codec name of scs's GobCodec, what an unchanged
	// scs application reads.
	DefaultCodec = "gob"
)

// Config says how to reach Redis and how sessions are kept there. ReadConfig
// fills it from a Dancer config.yml; the zero value of a field means its
// default.
type Config struct {
	// Server is redis_server: "host:port", a "redis://[user:password@]host:port/db"
	// or "rediss://..." (TLS) URL, or the absolute path of a unix socket.
	Server string
	// Password is redis_password (AUTH). When set it replaces a password
	// in a redis:// URL.
	Password string
	// Database is redis_database (SELECT). When non-zero it replaces the
	// database in a redis:// URL.
	Database int
	// Prefix is redis_prefix, put before the session id to make the key.
	Prefix string
	// PoolSize is redis_pool_size: at most this many connections are open
	// at once (and kept idle). Requests beyond it wait for a free one,
	// within Timeout. Default 10 per CPU.
	PoolSize int
	// Timeout is redis_timeout. It bounds connecting, each read and each
	// write, and every session operation as a whole (load, save, delete),
	// waiting for a pooled connection included.
	Timeout time.Duration
	// Codec encodes sessions (redis_codec); default scs.GobCodec.
	Codec scs.Codec
}

// codecs are the names redis_codec accepts; add a line here, with a
// constructor reading its own settings, for another. JSON is not offered:
// the value model's JSON form cannot tell a hash holding "__class__" from a
// blessed object, nor 1.0 from 1, so it would not round-trip every session.
var codecs = map[string]func(*config.Settings) (scs.Codec, error){
	// gob: scs's own, what an unchanged scs app reads.
	"gob": func(*config.Settings) (scs.Codec, error) { return scs.GobCodec{}, nil },
	// binary: the value model's compact codec; only dancergo reads it.
	"binary": func(*config.Settings) (scs.Codec, error) { return perl.BinaryCodec{}, nil },
	// storable: Storable nfreeze of the plain session hash, which Perl's
	// Storable::thaw reads (no deadline inside: Redis's expiry is the one).
	"storable": func(*config.Settings) (scs.Codec, error) { return storable.Codec{}, nil },
}

// ReadConfig reads the redis_* settings of s. Unset keys keep their
// defaults; a value that cannot be understood is a *config.Error naming
// the key.
func ReadConfig(s *config.Settings) (Config, error) {
	var (
		c   Config
		err error
	)
	if c.Server, err = s.String("redis_server", DefaultServer); err != nil {
		return c, err
	}
	if _, err := parseServer(c.Server); err != nil {
		return c, &config.Error{Key: "redis_server", Value: c.Server, Err: err}
	}
	if c.Password, err = s.String("redis_password", ""); err != nil {
		return c, err
	}
	if c.Database, err = s.Int("redis_database", 0); err != nil {
		return c, err
	}
	if c.Database < 0 {
		return c, &config.Error{Key: "redis_database", Value: c.Database, Err: errNegative}
	}
	if c.Prefix, err = s.String("redis_prefix", DefaultPrefix); err != nil {
		return c, err
	}
	if c.Prefix == "" {
		// Bare ids as keys would mix sessions with whatever else the
		// database holds.
		return c, &config.Error{Key: "redis_prefix", Value: c.Prefix, Err: errEmptyPrefix}
	}
	if c.PoolSize, err = s.Int("redis_pool_size", 0); err != nil {
		return c, err
	}
	if c.PoolSize < 0 {
		return c, &config.Error{Key: "redis_pool_size", Value: c.PoolSize, Err: errNegative}
	}
	if c.Timeout, err = readTimeout(s); err != nil {
		return c, err
	}
	name, err := s.String("redis_codec", DefaultCodec)
	if err != nil {
		return c, err
	}
	open, ok := codecs[strings.ToLower(name)]
	if !ok {
		return c, &config.Error{Key: "redis_codec", Value: name, Err: fmt.Errorf("unknown codec (known: %s)", strings.Join(codecNames(), ", "))}
	}
	if c.Codec, err = open(s); err != nil {
		return c, err
	}
	return c, nil
}

// readTimeout reads redis_timeout. Dancer's duration language counts whole
// seconds, too coarse for a cache, so Go's own durations ("250ms", "1.5s")
// are accepted first; anything else ("2", "2 seconds") is Dancer's.
func readTimeout(s *config.Settings) (time.Duration, error) {
	if v, ok := s.Lookup("redis_timeout"); ok {
		if str, ok := v.(string); ok {
			if d, err := time.ParseDuration(strings.TrimSpace(str)); err == nil {
				if d < 0 {
					return 0, &config.Error{Key: "redis_timeout", Value: v, Err: errNegative}
				}
				return d, nil
			}
		}
	}
	return s.Duration("redis_timeout", DefaultTimeout)
}

func codecNames() []string {
	names := make([]string, 0, len(codecs))
	for n := range codecs {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

var (
	errNegative    = errors.New("must not be negative")
	errEmptyPrefix = errors.New("must not be empty")
	errServer      = errors.New(`want "host:port", a redis:// or rediss:// URL, or the absolute path of a unix socket`)
	errURLScheme   = errors.New("the URL scheme must be redis or rediss")
)

// target is where and how to dial, from Config.Server.
type target struct {
	network  string // "tcp" or "unix"
	address  string
	username string
	password string
	database int
	tls      bool
}

// parseServer reads redis_server. It is strict, so that a typo stops the
// program at startup rather than at the first request.
func parseServer(server string) (target, error) {
	switch {
	case server == "":
		return target{}, errServer
	case strings.HasPrefix(server, "/"):
		return target{network: "unix", address: server}, nil
	case strings.Contains(server, "://"):
		return parseURL(server)
	}
	host, port, err := net.SplitHostPort(server)
	if err != nil || host == "" || !validPort(port) {
		return target{}, errServer
	}
	return target{network: "tcp", address: server}, nil
}

func parseURL(raw string) (target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return target{}, err
	}
	t := target{network: "tcp"}
	switch u.Scheme {
	case "redis":
	case "rediss":
		t.tls = true
	default:
		return target{}, errURLScheme
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		host = "localhost"
	}
	if port == "" {
		port = "6379"
	}
	if !validPort(port) {
		return target{}, errServer
	}
	t.address = net.JoinHostPort(host, port)
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			t.username, t.password = u.User.Username(), pw
		} else {
			// redis://secret@host: redis-cli reads a lone user as the password.
			t.password = u.User.Username()
		}
	}
	if db := strings.TrimPrefix(u.Path, "/"); db != "" {
		n, err := strconv.Atoi(db)
		if err != nil || n < 0 {
			return target{}, fmt.Errorf("invalid database %q in the URL", db)
		}
		t.database = n
	}
	return t, nil
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n > 0 && n < 65536
}

// withDefaults returns c with its zero fields set to their defaults.
func (c Config) withDefaults() Config {
	if c.Server == "" {
		c.Server = DefaultServer
	}
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.PoolSize <= 0 {
		c.PoolSize = 10 * runtime.GOMAXPROCS(0)
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Codec == nil {
		c.Codec = scs.GobCodec{}
	}
	return c
}
