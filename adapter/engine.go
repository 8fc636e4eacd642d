package adapter

import (
	"context"
	"time"
)

// Record is one stored session as an Engine sees it.
type Record struct {
	// ID is the session id. Dancer keeps it inside the data too, so Values
	// always holds the same string under the key "id".
	ID string
	// Values is the session data in the value model of package
	// github.com/dancergo/dancergo/compat/perl.
	Values map[string]any
	// Deadline is when the session expires on the server. Load leaves it
	// zero when the stored format keeps no deadline (Perl's formats); Save
	// always receives a deadline, which the adapter sets to now plus the
	// session lifetime in that case.
	Deadline time.Time
	// Version is opaque to the adapter: an engine may set it in Load (the raw
	// bytes read, a CAS token, a file's mtime) and receives it back in Save,
	// to detect that another request changed the session in between.
	Version any
}

// Engine is where sessions live. Every engine — Simple, Redis, YAML,
// Memcached, Cookie, ... — implements it; the adapter does the rest (cookies,
// lazy loading, change tracking).
//
// The token is what the session cookie carries: the session id itself for
// engines that store sessions on a server, the encrypted session for the
// Cookie engine.
type Engine interface {
	// NewID returns a fresh session id from crypto/rand.
	NewID() (string, error)

	// ValidToken reports whether a cookie value has the shape of this
	// engine's tokens. Values that fail are never passed to Load.
	ValidToken(token string) bool

	// Load returns the session for a token. found is false when the store
	// has no such session. An error that wraps ErrCorrupt means the stored
	// session exists but cannot be decoded; any other error means the store
	// could not be asked (it is down, slow, or refused).
	Load(ctx context.Context, token string) (rec Record, found bool, err error)

	// Save stores rec and returns the token for the cookie. When changed is
	// nil the whole of rec.Values replaces what is stored. Otherwise changed
	// lists the only keys this request set or deleted (a deleted key is
	// absent from rec.Values): an engine that can should apply just those
	// onto the session as it stands in the store now, so that concurrent
	// requests changing other keys are not lost.
	Save(ctx context.Context, rec Record, changed []string) (token string, err error)

	// Delete removes the stored session with this id. Deleting a session
	// that does not exist is not an error.
	Delete(ctx context.Context, id string) error
}

// CookieNamer is implemented by engines whose sessions belong to a cookie
// that another framework names, not Dancer's session_name: the PSGI engine's
// sessions are Plack::Middleware::Session's, under its cookie
// "plack_session", whatever session_name says (Dancer::Session::PSGI ignores
// session_name too). New uses the name it returns, when not empty, for the
// session cookie.
type CookieNamer interface {
	// CookieName returns the session cookie's name.
	CookieName() string
}

// SizeChecker is implemented by engines with a hard size limit that only an
// encoding reveals: the Cookie engine, whose whole session must fit in the
// 4096 bytes a browser keeps. Set calls CheckSize with the session as it
// would be after the change, and refuses the value with the error it
// returns (wrapping ErrTooLarge), so the handler hears of it at once and
// the session stays as it was.
type SizeChecker interface {
	CheckSize(rec Record) error
}
