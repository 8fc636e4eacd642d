package redis

import (
	"context"
	"fmt"
	"time"

	redigo "github.com/gomodule/redigo/redis"
)

const (
	// idleTimeout closes connections nobody used for this long, so that a
	// quiet service does not hold connections a firewall may have dropped.
	idleTimeout = 5 * time.Minute
	// checkIdleAfter is how long a pooled connection may sit unused before
	// it is PINGed when borrowed. A connection that outlived a Redis restart
	// is then dropped instead of failing a request. Busy connections are not
	// checked: a PING per request would double the round trips.
	checkIdleAfter = time.Second
)

// NewPool returns a redigo pool for c: at most c.PoolSize connections, as
// many kept idle, each dialed and used within c.Timeout. Callers wait for a
// free connection (GetContext honours their context). A connection that
// failed is closed by redigo instead of going back to the pool, so the pool
// heals by itself once Redis answers again.
func NewPool(c Config) (*redigo.Pool, error) {
	c = c.withDefaults()
	t, err := parseServer(c.Server)
	if err != nil {
		return nil, fmt.Errorf("redis_server %q: %w", c.Server, err)
	}
	opts := []redigo.DialOption{
		redigo.DialConnectTimeout(c.Timeout),
		redigo.DialReadTimeout(c.Timeout),
		redigo.DialWriteTimeout(c.Timeout),
		redigo.DialUseTLS(t.tls),
	}
	if t.username != "" {
		opts = append(opts, redigo.DialUsername(t.username))
	}
	password, database := t.password, t.database
	if c.Password != "" {
		password = c.Password
	}
	if c.Database != 0 {
		database = c.Database
	}
	if password != "" {
		opts = append(opts, redigo.DialPassword(password))
	}
	if database != 0 {
		opts = append(opts, redigo.DialDatabase(database))
	}
	return &redigo.Pool{
		DialContext: func(ctx context.Context) (redigo.Conn, error) {
			return redigo.DialContext(ctx, t.network, t.address, opts...)
		},
		TestOnBorrowContext: func(ctx context.Context, conn redigo.Conn, lastUsed time.Time) error {
			if time.Since(lastUsed) < checkIdleAfter {
				return nil
			}
			_, err := do(ctx, conn, "PING")
			return err
		},
		MaxIdle:     c.PoolSize,
		MaxActive:   c.PoolSize,
		IdleTimeout: idleTimeout,
		Wait:        true,
	}, nil
}
