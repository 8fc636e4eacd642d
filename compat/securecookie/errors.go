package securecookie

import "errors"

var (
	// ErrInvalid is wrapped when a string is not a Session::Storage::Secure
	// string (wrong number of fields, bad base64, unknown protocol), or when
	// its authentic payload cannot be decrypted or decoded.
	ErrInvalid = errors.New("securecookie: invalid cookie")

	// ErrTampered is returned when the MAC matches none of the secrets: the
	// cookie was changed, or made with another secret.
	ErrTampered = errors.New("securecookie: MAC mismatch (tampered, or another secret)")

	// ErrExpired is returned for an authentic cookie whose expiry has
	// passed.
	ErrExpired = errors.New("securecookie: cookie expired")

	// ErrNoSecret is returned by New when the secret is empty.
	ErrNoSecret = errors.New("securecookie: the secret must not be empty")
)
