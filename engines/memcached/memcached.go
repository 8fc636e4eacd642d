// Package memcached is Dancer's Memcached engine (Dancer::Session::Memcached
// 0.202 over Cache::Memcached 1.30): sessions in memcached, shared with a
// live Perl Dancer app using the same servers.
//
// Each session is stored under its id, with no prefix, as
// Storable::nfreeze of the session hash blessed into
// Dancer::Session::Memcached (the "id" key included), with flags 1
// (Cache::Memcached's F_STORABLE). With several servers a session goes to
// the server Cache::Memcached picks for it (see ServerSelector).
//
// Where dancergo differs from Dancer, it is on purpose:
//   - Sessions expire (see Options.Expire); Dancer stores them for ever.
//   - A save applies only the keys the request changed onto the session as
//     stored, with memcached's compare-and-swap, so overlapping requests do
//     not undo each other's changes; Dancer writes the whole session.
//   - A server that does not answer is an error (503), not a reason to put
//     the session on another server.
package memcached

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/bradfitz/gomemcache/memcache"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/sessionid"
	"github.com/dancergo/dancergo/compat/storable"
)

// Class is the package Dancer::Session::Memcached stores sessions as.
const Class = "Dancer::Session::Memcached"

// Cache::Memcached's flags (F_STORABLE, F_COMPRESS).
const (
	flagStorable = 1
	flagCompress = 2
)

// NoExpiry, as Options.Expire, stores sessions with no expiry, as Dancer
// does: memcached keeps them until it needs the memory.
const NoExpiry time.Duration = -1

// Defaults for Options.
const (
	DefaultTimeout = 500 * time.Millisecond
	// DefaultMaxIdleConns is more than gomemcache's 2: a web server asks
	// memcached from many requests at once.
	DefaultMaxIdleConns = 16
	// DefaultMaxSize keeps a session within memcached's default item size
	// (1 MiB, memcached -I), leaving room for the key and item header.
	DefaultMaxSize = 1<<20 - 1024
	// DefaultCASAttempts is how many times Save re-reads and retries when
	// other requests keep changing the session between its read and its
	// compare-and-swap.
	DefaultCASAttempts = 50
)

// maxExpireSeconds is the longest relative exptime memcached accepts; a
// larger number is read as a Unix time.
const maxExpireSeconds = 30 * 24 * 60 * 60

// Options configure an Engine.
type Options struct {
	// Servers are "host:port" addresses or Unix socket paths, as in Dancer's
	// memcached_servers. Required.
	Servers []string
	// Expire is how long memcached keeps a session after it was last
	// written. Zero uses the session's deadline as the adapter gives it
	// (its lifetime: session_expires, else 24 hours); NoExpiry stores it
	// with no expiry, as Dancer does.
	Expire time.Duration
	// Timeout bounds each network read and write (gomemcache's socket
	// timeout). Zero means DefaultTimeout.
	Timeout time.Duration
	// MaxIdleConns is how many idle connections are kept per server, ready
	// for the next request. Zero means DefaultMaxIdleConns; set it near the
	// number of requests served at once.
	MaxIdleConns int
	// MaxSize is the largest encoded session Save stores: a larger one is
	// refused with adapter.ErrTooLarge. Zero means DefaultMaxSize, negative
	// no limit.
	MaxSize int
	// CASAttempts bounds Save's read-merge-swap loop. Zero means
	// DefaultCASAttempts.
	CASAttempts int
	// IDs makes and checks session ids. Nil means Dancer 1's digit ids
	// (sessionid.Digits).
	IDs sessionid.Scheme
}

// Engine stores sessions in memcached. It implements adapter.Engine and is
// safe for concurrent use.
type Engine struct {
	client   *memcache.Client
	selector *ServerSelector
	codec    storable.Codec
	ids      sessionid.Scheme
	expire   time.Duration
	maxSize  int
	attempts int
}

var _ adapter.Engine = (*Engine)(nil)

// New returns an Engine for the servers in o. It does not connect: a server
// that is down shows at the first request.
func New(o Options) (*Engine, error) {
	sel, err := NewServerSelector(o.Servers)
	if err != nil {
		return nil, err
	}
	client := memcache.NewFromSelector(sel)
	client.Timeout = o.Timeout
	if client.Timeout <= 0 {
		client.Timeout = DefaultTimeout
	}
	client.MaxIdleConns = o.MaxIdleConns
	if client.MaxIdleConns <= 0 {
		client.MaxIdleConns = DefaultMaxIdleConns
	}
	e := &Engine{
		client:   client,
		selector: sel,
		codec:    storable.Codec{Class: Class},
		ids:      o.IDs,
		expire:   o.Expire,
		maxSize:  o.MaxSize,
		attempts: o.CASAttempts,
	}
	if e.ids == nil {
		e.ids = sessionid.Digits{}
	}
	if e.maxSize == 0 {
		e.maxSize = DefaultMaxSize
	}
	if e.attempts <= 0 {
		e.attempts = DefaultCASAttempts
	}
	return e, nil
}

// Selector returns the engine's server selector, to find which server holds
// a session.
func (e *Engine) Selector() *ServerSelector { return e.selector }

// NewID returns a fresh id of the engine's scheme.
func (e *Engine) NewID() (string, error) { return e.ids.New() }

// ValidToken reports whether token is an id of the engine's scheme.
func (e *Engine) ValidToken(token string) bool { return e.ids.Valid(token) }

// Load fetches and decodes the session stored under token. Its Version is
// the memcached CAS id of what was read.
func (e *Engine) Load(ctx context.Context, token string) (adapter.Record, bool, error) {
	item, err := call(ctx, func() (*memcache.Item, error) { return e.client.Get(token) })
	if errors.Is(err, memcache.ErrCacheMiss) {
		return adapter.Record{}, false, nil
	}
	if err != nil {
		return adapter.Record{}, false, storeError("get", err)
	}
	values, err := e.decode(item)
	if err != nil {
		return adapter.Record{}, false, fmt.Errorf("%w: memcached key %s: %w", adapter.ErrCorrupt, token, err)
	}
	return adapter.Record{ID: token, Values: values, Version: item.CasID}, true, nil
}

// decode reads a stored item as Cache::Memcached's get would: gunzip when
// flagged compressed, thaw when flagged Storable.
func (e *Engine) decode(item *memcache.Item) (map[string]any, error) {
	if item.Flags&flagStorable == 0 {
		return nil, fmt.Errorf("flags %d: not a Storable value", item.Flags)
	}
	b := item.Value
	if item.Flags&flagCompress != 0 {
		var err error
		if b, err = gunzip(b, e.maxSize); err != nil {
			return nil, err
		}
	}
	_, values, err := e.codec.Decode(b)
	return values, err
}

// gunzip inflates a value Cache::Memcached compressed (Compress::Zlib
// memGzip), refusing to inflate past limit bytes.
func gunzip(b []byte, limit int) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("compressed value: %w", err)
	}
	if limit < 0 {
		limit = DefaultMaxSize
	}
	out, err := io.ReadAll(io.LimitReader(zr, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("compressed value: %w", err)
	}
	if len(out) > limit {
		return nil, fmt.Errorf("compressed value inflates past %d bytes", limit)
	}
	return out, nil
}

// Save stores rec. When changed is nil the whole session is written;
// otherwise the changed keys are applied onto the session as it is in
// memcached now, with a compare-and-swap that is retried when another
// request wrote in between. A session deleted in the meantime (a logout in
// another tab) stays deleted.
func (e *Engine) Save(ctx context.Context, rec adapter.Record, changed []string) (string, error) {
	if changed == nil {
		item, err := e.item(rec, rec.Values)
		if err != nil {
			return "", err
		}
		if err := do(ctx, func() error { return e.client.Set(item) }); err != nil {
			return "", e.writeError("set", err)
		}
		return rec.ID, nil
	}
	loadedCAS, _ := rec.Version.(uint64)
	for attempt := range e.attempts {
		if attempt > 0 {
			if err := backoff(ctx, attempt); err != nil {
				return "", storeError("cas", err)
			}
		}
		current, err := call(ctx, func() (*memcache.Item, error) { return e.client.Get(rec.ID) })
		if errors.Is(err, memcache.ErrCacheMiss) {
			return rec.ID, nil
		}
		if err != nil {
			return "", storeError("gets", err)
		}
		values := rec.Values
		if current.CasID != loadedCAS {
			// Another request wrote since this one loaded: apply this
			// request's changes onto what it wrote. What cannot be read is
			// replaced, as a fresh session would have replaced it.
			if stored, err := e.decode(current); err == nil {
				values = adapter.Merge(stored, rec.Values, changed)
			}
		}
		item, err := e.item(rec, values)
		if err != nil {
			return "", err
		}
		item.CasID = current.CasID
		err = do(ctx, func() error { return e.client.CompareAndSwap(item) })
		switch {
		case err == nil:
			return rec.ID, nil
		case errors.Is(err, memcache.ErrCASConflict):
			continue
		case errors.Is(err, memcache.ErrCacheMiss), errors.Is(err, memcache.ErrNotStored):
			return rec.ID, nil // deleted or evicted since the read
		default:
			return "", e.writeError("cas", err)
		}
	}
	return "", fmt.Errorf("%w: memcached: session changed by other requests %d times in a row", adapter.ErrStore, e.attempts)
}

// item encodes values as the session's memcached item.
func (e *Engine) item(rec adapter.Record, values map[string]any) (*memcache.Item, error) {
	if id, _ := values["id"].(string); id != rec.ID {
		values = withID(values, rec.ID)
	}
	b, err := e.codec.Encode(rec.Deadline, values)
	if err != nil {
		return nil, fmt.Errorf("memcached: encode session: %w", err)
	}
	if e.maxSize > 0 && len(b) > e.maxSize {
		return nil, fmt.Errorf("%w: %d bytes encoded, memcached limit %d", adapter.ErrTooLarge, len(b), e.maxSize)
	}
	return &memcache.Item{Key: rec.ID, Value: b, Flags: flagStorable, Expiration: e.expiration(rec.Deadline)}, nil
}

// withID returns a copy of values whose "id" is id: Dancer keeps the id in
// the stored object, and reads it from there.
func withID(values map[string]any, id string) map[string]any {
	out := make(map[string]any, len(values)+1)
	for k, v := range values {
		out[k] = v
	}
	out["id"] = id
	return out
}

// expiration returns memcached's exptime for a session: seconds from now,
// or a Unix time past memcached's 30-day limit for relative times.
func (e *Engine) expiration(deadline time.Time) int32 {
	var d time.Duration
	switch {
	case e.expire < 0:
		return 0
	case e.expire > 0:
		d = e.expire
	case deadline.IsZero():
		return 0
	default:
		d = time.Until(deadline)
	}
	secs := int64((d + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1 // already due: gone at once, but 0 would mean never
	}
	if secs > maxExpireSeconds {
		return int32(time.Now().Unix() + secs)
	}
	return int32(secs)
}

// Delete removes the session stored under id.
func (e *Engine) Delete(ctx context.Context, id string) error {
	err := do(ctx, func() error { return e.client.Delete(id) })
	if err != nil && !errors.Is(err, memcache.ErrCacheMiss) {
		return storeError("delete", err)
	}
	return nil
}

// call runs op, one gomemcache call, for a request with context ctx. A
// request whose context is done makes no call. gomemcache takes no context:
// it bounds a call by its socket timeout (Options.Timeout) alone. So when
// ctx has a deadline, op runs on a goroutine of its own and call returns
// ctx's error as soon as ctx is done, answering the request by its
// deadline; the abandoned call still ends at the socket timeout, and its
// connection is then closed, not reused. A write abandoned so may yet be
// applied, as with any store that times out after the command went out.
// Without a deadline (a request's context is then only cancelled when its
// client goes away) op runs on the caller's goroutine, at no extra cost.
func call[T any](ctx context.Context, op func() (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	if _, ok := ctx.Deadline(); !ok {
		return op()
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := op()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// do is call for the calls that return only an error.
func do(ctx context.Context, op func() error) error {
	_, err := call(ctx, func() (struct{}, error) { return struct{}{}, op() })
	return err
}

// Close closes the idle connections.
func (e *Engine) Close() error { return e.client.Close() }

func storeError(op string, err error) error {
	return fmt.Errorf("%w: memcached %s: %w", adapter.ErrStore, op, err)
}

// writeError classifies a failed write: memcached refuses an item over its
// size limit with SERVER_ERROR, which is the session's fault, not the
// store's.
func (e *Engine) writeError(op string, err error) error {
	if strings.Contains(err.Error(), "SERVER_ERROR object too large") {
		return fmt.Errorf("%w: memcached %s: %w", adapter.ErrTooLarge, op, err)
	}
	return storeError(op, err)
}

// backoff waits a little before the next compare-and-swap attempt, longer
// after each conflict and at random, so that requests racing on one session
// do not keep colliding.
func backoff(ctx context.Context, attempt int) error {
	d := time.Duration(rand.Int64N(int64(min(attempt, 10)) * int64(time.Millisecond)))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
