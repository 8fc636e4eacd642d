package redis

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	redigo "github.com/gomodule/redigo/redis"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/sessionid"
)

const (
	// maxSwaps bounds the compare-and-set attempts of one save. Each failed
	// attempt is another request's successful write, so N requests saving
	// at once all succeed within N attempts; only a storm of writes to one
	// session (or redis_timeout, which bounds the whole save) stops one.
	maxSwaps = 128
	// backoffStep and backoffCap shape the random pause between attempts,
	// which breaks up a herd of requests retrying in step.
	backoffStep = 50 * time.Microsecond
	backoffCap  = 2 * time.Millisecond
)

// Engine keeps sessions in Redis, as scs's redisstore does: each session
// under prefix+id, encoded by an scs codec (gob unless configured), expiring
// with the session. A plain scs application with redisstore, the same
// prefix, codec and cookie name shares every session with it.
//
// A request that changed some keys of an existing session saves by
// compare-and-set: only its keys are applied onto the session as it stands
// in Redis, so concurrent requests changing other keys are all kept.
type Engine struct {
	store *Store
	codec scs.Codec
	base  adapter.StoreEngine
	pool  *redigo.Pool
	owned bool // Close closes pool
	cache *decodedCache
}

// New returns an engine on pool; c's connection fields are not used (the
// pool has its own dial function). The caller keeps ownership of the pool.
func New(pool *redigo.Pool, c Config) *Engine {
	c = c.withDefaults()
	store := NewStore(pool, c.Prefix, c.Timeout)
	return &Engine{
		store: store,
		codec: c.Codec,
		base:  adapter.StoreEngine{Store: store, Codec: c.Codec, IDs: sessionid.Token{}},
		pool:  pool,
		cache: newDecodedCache(cacheLimit),
	}
}

// Dial returns an engine with its own pool for c. Close it when done.
func Dial(c Config) (*Engine, error) {
	pool, err := NewPool(c)
	if err != nil {
		return nil, err
	}
	e := New(pool, c)
	e.owned = true
	return e, nil
}

// Open returns an engine for the redis_* settings of s (see ReadConfig).
// It does not contact Redis: a server that is down at startup makes
// requests fail with 503 until it answers, like one that goes down later.
func Open(s *config.Settings) (adapter.Engine, error) {
	c, err := ReadConfig(s)
	if err != nil {
		return nil, err
	}
	return Dial(c)
}

// Store returns the engine's scs store, for a plain scs SessionManager in
// the same program.
func (e *Engine) Store() *Store { return e.store }

// Close closes the connection pool if Dial or Open made it.
func (e *Engine) Close() error {
	if !e.owned {
		return nil
	}
	return e.pool.Close()
}

// NewID returns a fresh id of scs's shape: 32 random bytes, base64url.
func (e *Engine) NewID() (string, error) { return e.base.NewID() }

// ValidToken accepts the ids of scs and of Dancer (see sessionid.Token).
func (e *Engine) ValidToken(token string) bool { return e.base.ValidToken(token) }

// Load reads the session: one GET. Bytes that do not decode, or a key of
// another type than a string, are reported as adapter.ErrCorrupt; the
// record's Version is the bytes read. Bytes this process read or wrote
// last time are not decoded again.
func (e *Engine) Load(ctx context.Context, token string) (adapter.Record, bool, error) {
	b, found, err := e.store.FindCtx(ctx, token)
	var reply redigo.Error
	switch {
	case errors.As(err, &reply) && strings.HasPrefix(string(reply), "WRONGTYPE"):
		// Something else lives under the session's key: that is garbage
		// to this engine, not a failing store.
		return adapter.Record{}, false, fmt.Errorf("%w: %w", adapter.ErrCorrupt, reply)
	case err != nil:
		return adapter.Record{}, false, fmt.Errorf("%w: find: %w", adapter.ErrStore, err)
	case !found:
		return adapter.Record{}, false, nil
	}
	if deadline, values, ok := e.cache.get(token, b); ok {
		return adapter.Record{ID: token, Values: values, Deadline: deadline, Version: b}, true, nil
	}
	deadline, values, err := e.codec.Decode(b)
	if err != nil {
		return adapter.Record{}, false, fmt.Errorf("%w: %w", adapter.ErrCorrupt, err)
	}
	if values == nil {
		values = map[string]any{}
	}
	e.cache.put(token, b, deadline, values)
	return adapter.Record{ID: token, Values: maps.Clone(values), Deadline: deadline, Version: b}, true, nil
}

// Delete removes the session: one DEL.
func (e *Engine) Delete(ctx context.Context, id string) error {
	e.cache.drop(id)
	return e.base.Delete(ctx, id)
}

// Save stores rec. A whole write (changed is nil: a new session, a renewed
// id) is redisstore's SET and PEXPIREAT in one round trip. Otherwise the
// request's keys are merged onto the stored session by compare-and-set
// against the bytes Load read (rec.Version): one round trip when nobody
// wrote in between, one more per write that came first. A session deleted
// in the meantime is not recreated and the save reports success: the
// destroy wins.
func (e *Engine) Save(ctx context.Context, rec adapter.Record, changed []string) (string, error) {
	if changed == nil {
		b, err := e.codec.Encode(rec.Deadline, rec.Values)
		if err != nil {
			return "", fmt.Errorf("dancergo: encode session: %w", err)
		}
		e.cache.drop(rec.ID)
		if err := e.store.CommitCtx(ctx, rec.ID, b, rec.Deadline); err != nil {
			return "", fmt.Errorf("%w: commit: %w", adapter.ErrStore, err)
		}
		e.cache.put(rec.ID, b, rec.Deadline, maps.Clone(rec.Values))
		return rec.ID, nil
	}
	// One time budget for the whole save, retries included.
	ctx, cancel := e.store.bound(ctx)
	defer cancel()
	// The request's view is what it loaded with its changes applied: on
	// the first attempt it is the new session as it is.
	values := rec.Values
	loaded, ok := rec.Version.([]byte)
	if !ok {
		// Not loaded by this engine: merge onto what is there now.
		b, found, err := e.store.FindCtx(ctx, rec.ID)
		if err != nil {
			return "", fmt.Errorf("%w: find: %w", adapter.ErrStore, err)
		}
		if !found {
			return rec.ID, nil
		}
		loaded, values = b, e.mergeOnto(b, rec, changed)
	}
	for attempt := 1; ; attempt++ {
		b, err := e.codec.Encode(rec.Deadline, values)
		if err != nil {
			return "", fmt.Errorf("dancergo: encode session: %w", err)
		}
		res, current, err := e.store.swap(ctx, rec.ID, loaded, b, rec.Deadline)
		if err != nil {
			e.cache.drop(rec.ID)
			return "", fmt.Errorf("%w: save: %w", adapter.ErrStore, err)
		}
		switch res {
		case swapped:
			e.cache.put(rec.ID, b, rec.Deadline, maps.Clone(values))
			return rec.ID, nil
		case gone:
			e.cache.drop(rec.ID)
			return rec.ID, nil
		}
		if attempt == maxSwaps {
			return "", fmt.Errorf("%w: save: the session changed under %d attempts in a row; gave up", adapter.ErrStore, maxSwaps)
		}
		values = e.mergeOnto(current, rec, changed)
		loaded = current
		if attempt > 1 {
			if err := pause(ctx, attempt); err != nil {
				return "", fmt.Errorf("%w: save: %w", adapter.ErrStore, err)
			}
		}
	}
}

// mergeOnto applies the request's changed keys onto the stored bytes
// current. Stored bytes that do not decode are replaced by the request's
// whole view, as a fresh save would replace them.
func (e *Engine) mergeOnto(current []byte, rec adapter.Record, changed []string) map[string]any {
	if _, stored, ok := e.cache.get(rec.ID, current); ok {
		// Another request of this process wrote current: no decode.
		return adapter.Merge(stored, rec.Values, changed)
	}
	_, stored, err := e.codec.Decode(current)
	if err != nil {
		return rec.Values
	}
	return adapter.Merge(stored, rec.Values, changed)
}

// pause sleeps a random time that grows with the attempt, or until ctx ends.
func pause(ctx context.Context, attempt int) error {
	limit := min(backoffStep*time.Duration(attempt), backoffCap)
	t := time.NewTimer(rand.N(limit + 1))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
