package adapter

import "errors"

var (
	// ErrNoSession is returned by every Session method when the request did
	// not pass through Manager.Middleware.
	ErrNoSession = errors.New("dancergo: no session in this request (is the handler wrapped in the session middleware?)")

	// ErrReservedKey is returned when a handler writes the key "id", which
	// holds the session id (Dancer croaks on it too).
	ErrReservedKey = errors.New(`dancergo: the session key "id" is reserved for the session id`)

	// ErrEmptyKey is returned when a handler writes the empty key.
	ErrEmptyKey = errors.New("dancergo: the session key must not be empty")

	// ErrCorrupt wraps an engine's error when a stored session exists but
	// cannot be decoded. The adapter logs it and starts a fresh session.
	ErrCorrupt = errors.New("dancergo: stored session cannot be decoded")

	// ErrStore wraps an engine's error when the store cannot be reached or
	// refuses a call. The request is answered 503 Service Unavailable.
	ErrStore = errors.New("dancergo: session store unavailable")

	// ErrTooLarge is returned when a change would make the stored session
	// (or its cookie) larger than the configured limit. What was stored
	// before is left intact.
	ErrTooLarge = errors.New("dancergo: session too large")
)
