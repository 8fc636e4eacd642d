package adapter

import (
	"bytes"
	"context"
	"fmt"
	"hash/maphash"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/dancergo/dancergo/compat/sessionid"
)

// StoreEngine is an Engine built from scs parts: an scs Store (a CtxStore is
// used as one), an scs Codec and an id scheme. A plain scs SessionManager
// given the same Store and Codec, and the same cookie name, shares every
// session with it.
//
// Save merges a request's changes onto the session as stored at that moment,
// under a lock per session id. For a store private to the process (scs's
// memstore) that makes concurrent requests lose nothing; a shared store with
// no compare-and-set in scs's interface can still lose a change made by
// another process between the read and the commit.
type StoreEngine struct {
	Store scs.Store
	Codec scs.Codec
	IDs   sessionid.Scheme
	// MaxSize, if positive, is the largest encoded session Save will store;
	// a larger one is refused with ErrTooLarge and what was stored before is
	// kept.
	MaxSize int

	locks [64]sync.Mutex
}

var lockSeed = maphash.MakeSeed()

// NewID returns a fresh id from the engine's scheme.
func (e *StoreEngine) NewID() (string, error) { return e.IDs.New() }

// ValidToken reports whether token is a valid id of the engine's scheme.
func (e *StoreEngine) ValidToken(token string) bool { return e.IDs.Valid(token) }

// Load finds and decodes the session with id token.
func (e *StoreEngine) Load(ctx context.Context, token string) (Record, bool, error) {
	b, found, err := e.find(ctx, token)
	if err != nil || !found {
		return Record{}, false, err
	}
	return e.decode(token, b)
}

func (e *StoreEngine) decode(id string, b []byte) (Record, bool, error) {
	deadline, values, err := e.Codec.Decode(b)
	if err != nil {
		return Record{}, false, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if values == nil {
		values = map[string]any{}
	}
	return Record{ID: id, Values: values, Deadline: deadline, Version: b}, true, nil
}

// Save encodes and commits rec. When changed is not nil it applies only the
// changed keys onto the session as stored now; if that session is gone (a
// concurrent Destroy, or expiry) it is not brought back.
func (e *StoreEngine) Save(ctx context.Context, rec Record, changed []string) (string, error) {
	values := rec.Values
	if changed != nil {
		mu := &e.locks[maphash.String(lockSeed, rec.ID)%uint64(len(e.locks))]
		mu.Lock()
		defer mu.Unlock()
		b, found, err := e.find(ctx, rec.ID)
		if err != nil {
			return "", err
		}
		if !found {
			return rec.ID, nil
		}
		if loaded, ok := rec.Version.([]byte); !ok || !bytes.Equal(b, loaded) {
			// Another request saved since we loaded: merge onto its result.
			current, _, err := e.decode(rec.ID, b)
			if err == nil {
				values = Merge(current.Values, rec.Values, changed)
			}
		}
	}
	b, err := e.Codec.Encode(rec.Deadline, values)
	if err != nil {
		return "", fmt.Errorf("dancergo: encode session: %w", err)
	}
	if e.MaxSize > 0 && len(b) > e.MaxSize {
		return "", fmt.Errorf("%w: %d bytes encoded, limit %d", ErrTooLarge, len(b), e.MaxSize)
	}
	if err := e.commit(ctx, rec.ID, b, rec.Deadline); err != nil {
		return "", err
	}
	return rec.ID, nil
}

// Delete removes the session with this id.
func (e *StoreEngine) Delete(ctx context.Context, id string) error {
	var err error
	if cs, ok := e.Store.(scs.CtxStore); ok {
		err = cs.DeleteCtx(ctx, id)
	} else {
		err = e.Store.Delete(id)
	}
	if err != nil {
		return fmt.Errorf("%w: delete: %w", ErrStore, err)
	}
	return nil
}

func (e *StoreEngine) find(ctx context.Context, id string) ([]byte, bool, error) {
	var (
		b     []byte
		found bool
		err   error
	)
	if cs, ok := e.Store.(scs.CtxStore); ok {
		b, found, err = cs.FindCtx(ctx, id)
	} else {
		b, found, err = e.Store.Find(id)
	}
	if err != nil {
		return nil, false, fmt.Errorf("%w: find: %w", ErrStore, err)
	}
	return b, found, nil
}

func (e *StoreEngine) commit(ctx context.Context, id string, b []byte, expiry time.Time) error {
	var err error
	if cs, ok := e.Store.(scs.CtxStore); ok {
		err = cs.CommitCtx(ctx, id, b, expiry)
	} else {
		err = e.Store.Commit(id, b, expiry)
	}
	if err != nil {
		return fmt.Errorf("%w: commit: %w", ErrStore, err)
	}
	return nil
}
