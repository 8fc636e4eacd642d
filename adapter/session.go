package adapter

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/dancergo/dancergo/compat/perl"
)

// idKey is the key under which Dancer keeps the session id in the data.
const idKey = "id"

// Session is one request's view of its session. Get one with From or
// FromContext. Its methods are safe for concurrent use by the goroutines of
// one request.
type Session struct {
	mu  sync.Mutex
	m   *Manager
	req *http.Request

	loaded  bool
	token   string // the session cookie's value in the request, if valid
	rec     Record
	stored  bool                // rec is in the store (it was loaded)
	changed map[string]struct{} // keys set or deleted by this request
	whole   bool                // write all of rec: new id, renewed id
	retire  []string            // stored ids to delete when the request ends
	expire  bool                // send a cookie that expires the browser's one
	err     error               // the first store failure; the request fails with it
}

type contextKey struct{}

// From returns the session of a request that passed through
// Manager.Middleware. It never returns nil: outside the middleware every
// method of the returned Session fails with ErrNoSession.
func From(r *http.Request) *Session {
	return FromContext(r.Context())
}

// FromContext is From for a request's context.
func FromContext(ctx context.Context) *Session {
	if s, ok := ctx.Value(contextKey{}).(*Session); ok {
		return s
	}
	return &Session{}
}

// Get returns the value of key (Dancer's `session 'key'`), or nil when it is
// not set. Maps, lists and objects are returned as copies: change them and
// Set them back.
func (s *Session) Get(key string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return nil, err
	}
	return perl.Clone(s.rec.Values[key]), nil
}

// Set sets key to value (Dancer's `session key => value`). The value is
// converted to the Perl value model (see perl.Normalize). Setting "id" fails
// with ErrReservedKey; setting a value to nil stores undef, as Dancer 1 does:
// use Delete to remove a key.
func (s *Session) Set(key string, value any) error {
	if err := checkWritableKey(key); err != nil {
		return err
	}
	v, err := perl.Normalize(value)
	if err != nil {
		return fmt.Errorf("dancergo: session key %q: %w", key, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return err
	}
	if err := s.checkSize(key, v); err != nil {
		return err
	}
	if err := s.ensureID(); err != nil {
		return err
	}
	s.rec.Values[key] = v
	s.markChanged(key)
	return nil
}

// checkSize refuses a value that would make the session larger than the
// manager's MaxSize, or than what the engine can hold (SizeChecker).
// Callers hold s.mu and have loaded.
func (s *Session) checkSize(key string, v any) error {
	if s.m.MaxSize > 0 {
		size := perl.Size(s.rec.Values) + perl.Size(v) + len(key) + 2
		if old, ok := s.rec.Values[key]; ok {
			size -= perl.Size(old) + len(key) + 2
		}
		if size > s.m.MaxSize {
			return fmt.Errorf("%w: setting %q would make the session about %d bytes, limit %d (session_max_size)", ErrTooLarge, key, size, s.m.MaxSize)
		}
	}
	sc, ok := s.m.Engine.(SizeChecker)
	if !ok {
		return nil
	}
	trial := Record{ID: s.rec.ID, Values: maps.Clone(s.rec.Values), Deadline: s.rec.Deadline}
	trial.Values[key] = v
	if trial.ID == "" {
		// A new session gets its id only once the value is accepted; an id
		// of the same shape makes the trial the same size.
		id, err := s.m.Engine.NewID()
		if err != nil {
			return fmt.Errorf("dancergo: new session id: %w", err)
		}
		trial.ID = id
		trial.Values[idKey] = id
	}
	if err := sc.CheckSize(trial); err != nil {
		return fmt.Errorf("dancergo: session key %q: %w", key, err)
	}
	return nil
}

// Delete removes key from the session (Dancer2's `session key => undef`).
// Deleting a key that is not set changes nothing.
func (s *Session) Delete(key string) error {
	if err := checkWritableKey(key); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return err
	}
	if _, ok := s.rec.Values[key]; !ok {
		return nil
	}
	delete(s.rec.Values, key)
	s.markChanged(key)
	return nil
}

// Keys returns the session's keys in sorted order, "id" included once the
// session has an id.
func (s *Session) Keys() ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return nil, err
	}
	return perl.SortedKeys(s.rec.Values), nil
}

// All returns a copy of the whole session (Dancer's `session` with no
// arguments), "id" included once the session has an id.
func (s *Session) All() (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return nil, err
	}
	return perl.Clone(s.rec.Values).(map[string]any), nil
}

// ID returns the session id (Dancer's `session->id`). A new session gets its
// id here, but it is stored, and its cookie sent, only once a value is set.
func (s *Session) ID() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return "", err
	}
	if err := s.ensureID(); err != nil {
		return "", err
	}
	return s.rec.ID, nil
}

// Destroy deletes the stored session and expires the cookie (Dancer's
// `session->destroy`). For the rest of the request the session is empty; a
// later Set starts a new session with a new id. (Dancer 1 would write the
// old data back under the old id: dancergo does not.)
func (s *Session) Destroy() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return err
	}
	if s.stored {
		s.retire = append(s.retire, s.rec.ID)
	}
	s.expire = s.token != ""
	s.rec = Record{Values: map[string]any{}}
	s.stored = false
	s.changed = nil
	s.whole = false
	return nil
}

// RenewID gives the session a new id and keeps its data (Dancer2's
// change_session_id). Call it after a login, so that an id planted in the
// browser before the login (session fixation) is worth nothing after it.
func (s *Session) RenewID() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return err
	}
	if s.stored {
		s.retire = append(s.retire, s.rec.ID)
		s.stored = false
	}
	id, err := s.m.Engine.NewID()
	if err != nil {
		return fmt.Errorf("dancergo: new session id: %w", err)
	}
	s.rec.ID = id
	s.rec.Values[idKey] = id
	s.rec.Version = nil
	s.whole = true
	return nil
}

func checkWritableKey(key string) error {
	switch key {
	case idKey:
		return ErrReservedKey
	case "":
		return ErrEmptyKey
	}
	return nil
}

func (s *Session) markChanged(key string) {
	if s.changed == nil {
		s.changed = make(map[string]struct{}, 4)
	}
	s.changed[key] = struct{}{}
}

// ensureID gives a new session its id. Callers hold s.mu and have loaded.
func (s *Session) ensureID() error {
	if s.rec.ID != "" {
		return nil
	}
	id, err := s.m.Engine.NewID()
	if err != nil {
		return fmt.Errorf("dancergo: new session id: %w", err)
	}
	s.rec.ID = id
	s.rec.Values[idKey] = id
	s.rec.Deadline = time.Now().Add(s.m.lifetime())
	s.whole = true
	return nil
}

// load reads the session on first use. Callers hold s.mu.
func (s *Session) load() error {
	if s.m == nil {
		return ErrNoSession
	}
	if s.err != nil {
		return s.err
	}
	if s.loaded {
		return nil
	}
	s.loaded = true
	s.rec = Record{}
	token := requestCookie(s.req, s.m.Cookie.Name)
	switch {
	case token == "":
	case !s.m.Engine.ValidToken(token):
		// A forged, mangled or foreign cookie: a fresh session, as Dancer.
		s.m.logger().Debug("dancergo: ignoring invalid session cookie", "cookie", s.m.Cookie.Name, "length", len(token))
	default:
		s.token = token
		rec, found, err := s.m.Engine.Load(s.req.Context(), token)
		switch {
		case errors.Is(err, ErrCorrupt):
			s.m.logger().Warn("dancergo: stored session cannot be decoded; starting a fresh one", "error", s.redacted(err))
		case err != nil:
			s.loaded = false
			s.fail(err)
			return s.err
		case found:
			if rec.Values == nil {
				rec.Values = map[string]any{}
			}
			if id, _ := rec.Values[idKey].(string); id != rec.ID {
				rec.Values[idKey] = rec.ID
			}
			s.rec = rec
			s.stored = true
		}
	}
	if s.rec.Values == nil {
		s.rec.Values = map[string]any{}
	}
	return nil
}

// fail records the request's first store failure and logs it.
func (s *Session) fail(err error) {
	if s.err != nil {
		return
	}
	if !errors.Is(err, ErrStore) && !errors.Is(err, ErrTooLarge) {
		err = fmt.Errorf("%w: %w", ErrStore, err)
	}
	s.err = err
	s.m.logger().Error("dancergo: session store failed", "method", s.req.Method, "path", s.req.URL.Path, "error", s.redacted(err))
}

// changedKeys returns what Save should merge: nil to write the whole record.
func (s *Session) changedKeys() []string {
	if s.whole || !s.stored {
		return nil
	}
	keys := make([]string, 0, len(s.changed))
	for k := range s.changed {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
