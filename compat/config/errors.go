package config

import (
	"errors"
	"fmt"
)

// Error is a setting that cannot be understood. Load and FromMap return it
// so that a bad config.yml stops the program at startup, naming the key.
type Error struct {
	Key   string // the setting, e.g. "session_expires"
	Value any    // the value as read
	Err   error  // what is wrong with it
}

func (e *Error) Error() string {
	return fmt.Sprintf("config: %s: %v (value %#v)", e.Key, e.Err, e.Value)
}

func (e *Error) Unwrap() error { return e.Err }

var (
	errNotScalar  = errors.New("want a string or number")
	errNotInt     = errors.New("want an integer")
	errNotBool    = errors.New("want a boolean (1/0, true/false, yes/no, on/off)")
	errNotList    = errors.New("want a list of strings or a comma-separated string")
	errNegative   = errors.New("must not be negative")
	errSameSite   = errors.New("want Strict, Lax or None")
	errCookieName = errors.New("not a valid cookie name")
)
