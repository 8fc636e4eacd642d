package redis

import (
	"context"
	"errors"
	"io"
	"syscall"
	"time"

	"github.com/alexedwards/scs/redisstore"
	redigo "github.com/gomodule/redigo/redis"
)

// Store is scs's redisstore with context support: an scs.CtxStore. Its
// Find, Commit, Delete and All are redisstore's own; FindCtx, CommitCtx and
// DeleteCtx send the very same commands (GET; MULTI, SET, PEXPIREAT, EXEC;
// DEL) on the same keys, but wait for a pooled connection and for Redis
// only as long as the context, and the timeout, allow. (redisstore has no
// context methods: its calls would wait for Redis as long as the pool's
// read and write timeouts, whatever the request's deadline.)
//
// A plain scs SessionManager may use a Store in place of a RedisStore.
type Store struct {
	*redisstore.RedisStore
	pool    *redigo.Pool
	prefix  string
	timeout time.Duration
}

// NewStore returns a Store on pool with this key prefix. Each context
// method gives up after timeout, or earlier when its context ends; zero
// means DefaultTimeout.
func NewStore(pool *redigo.Pool, prefix string, timeout time.Duration) *Store {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Store{
		RedisStore: redisstore.NewWithPrefix(pool, prefix),
		pool:       pool,
		prefix:     prefix,
		timeout:    timeout,
	}
}

// FindCtx returns the bytes stored for token; found is false when there
// are none (never stored, expired or deleted).
func (s *Store) FindCtx(ctx context.Context, token string) (b []byte, found bool, err error) {
	err = s.with(ctx, func(ctx context.Context, conn redigo.Conn) error {
		b, err = redigo.Bytes(do(ctx, conn, "GET", s.prefix+token))
		return err
	})
	if errors.Is(err, redigo.ErrNil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// CommitCtx stores b for token until expiry, replacing what was there: SET
// and PEXPIREAT in one MULTI/EXEC, pipelined into one round trip.
func (s *Store) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	return s.with(ctx, func(ctx context.Context, conn redigo.Conn) error {
		key := s.prefix + token
		if err := conn.Send("MULTI"); err != nil {
			return err
		}
		if err := conn.Send("SET", key, b); err != nil {
			return err
		}
		if err := conn.Send("PEXPIREAT", key, expiry.UnixMilli()); err != nil {
			return err
		}
		_, err := do(ctx, conn, "EXEC")
		return err
	})
}

// DeleteCtx removes token's session. Deleting a missing one is no error.
func (s *Store) DeleteCtx(ctx context.Context, token string) error {
	return s.with(ctx, func(ctx context.Context, conn redigo.Conn) error {
		_, err := do(ctx, conn, "DEL", s.prefix+token)
		return err
	})
}

// with runs f on a pooled connection, all of it within s.timeout and ctx.
//
// When the connection turns out to have been closed by the server (Redis
// restarted while it sat idle in the pool), f runs again on another one:
// redigo drops the dead connection, and each retry uses up one more, so
// MaxIdle+1 attempts always reach a live or freshly dialed one. Every f is
// safe to repeat: GET, DEL and the whole write are idempotent, and a swap
// whose reply was lost finds its own bytes and merges onto them again.
func (s *Store) with(ctx context.Context, f func(context.Context, redigo.Conn) error) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	for attempt := 0; ; attempt++ {
		conn, err := s.pool.GetContext(ctx)
		if err != nil {
			return err
		}
		err = f(ctx, conn)
		// Close hands the connection back, or closes it when it failed.
		if cerr := conn.Close(); err == nil && cerr != nil {
			err = cerr
		}
		if err == nil || !closedByServer(err) || attempt >= s.pool.MaxIdle || ctx.Err() != nil {
			return err
		}
	}
}

// do sends one command (and any sent before it) and waits for the replies
// until ctx's deadline, which with always sets. It is redigo's DoContext
// without the goroutine DoContext starts for every command, which costs a
// scheduler hand-off per round trip: a context that is cancelled without a
// deadline stops the request before its next command, not in the middle of
// one (that one is bounded by the deadline all the same).
func do(ctx context.Context, conn redigo.Conn, cmd string, args ...any) (any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	timeout := DefaultTimeout
	if dl, ok := ctx.Deadline(); ok {
		if timeout = time.Until(dl); timeout <= 0 {
			// Zero would mean no timeout at all to redigo.
			return nil, context.DeadlineExceeded
		}
	}
	return redigo.DoWithTimeout(conn, timeout, cmd, args...)
}

// closedByServer reports whether err says the other end had closed the
// connection, as it does to every idle client when Redis restarts. A
// refused dial or a timeout is not such an error: then Redis is down or
// slow, and trying again at once would not help.
func closedByServer(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// bound returns ctx limited to s.timeout from now. A context whose own
// deadline comes sooner is used as it is, saving a timer.
func (s *Store) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= s.timeout {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, s.timeout)
}
