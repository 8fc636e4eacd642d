// Package cookie is Dancer's Cookie engine (Dancer::Session::Cookie 0.30):
// the whole session travels in the cookie, encrypted and signed in
// Session::Storage::Secure's format, so a Dancer 1 app and a Go app that
// share session_cookie_key read and write the same sessions with no store
// in between.
//
// There is no server-side state: the token the adapter puts in the cookie
// is the encrypted session itself, Save returns a new one (with a fresh
// salt) whenever the session changes, and Delete does nothing. A cookie
// session therefore cannot be revoked on the server: destroying a session
// expires the browser's cookie, but a copy of the old cookie stays valid
// until its own expiry, if it has one (set session_expires). Anyone who
// learns session_cookie_key can read and forge every session, including
// blessed objects that Perl will re-create.
package cookie

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/securecookie"
	"github.com/dancergo/dancergo/compat/sessionid"
)

const (
	// BrowserLimit is what browsers allow a cookie's name and value
	// together (RFC 6265 asks for at least 4096 bytes; Chrome and Firefox
	// stop there). Attributes are limited separately.
	BrowserLimit = 4096
	// maxTokenLen bounds a cookie value ValidToken accepts.
	maxTokenLen = BrowserLimit
	// macLen64 is the length of a base64url HMAC-SHA256.
	macLen64 = 43
)

// ErrNoKey is returned by New and Open when there is no secret key.
var ErrNoKey = errors.New("cookie: session_cookie_key must be set (a long random string shared with the Perl app)")

// Options configure an Engine.
type Options struct {
	// Key is the secret (Dancer's session_cookie_key). Required.
	Key string
	// OldKeys are earlier secrets whose cookies are still read, tried in
	// order after Key, so that the key can be rotated without logging
	// everybody out (session_cookie_old_keys). Cookies are always written
	// with Key. Dancer::Session::Cookie itself knows no old keys: a Perl app
	// sharing the sessions only reads cookies made with Key.
	OldKeys []string
	// Expires is how long a cookie is valid after it is written
	// (session_expires); zero writes cookies that never expire. As in Perl,
	// every new cookie gets a new expiry, so it slides with each change.
	Expires time.Duration
	// MaxCookieSize is the longest cookie value Save issues, in bytes. Zero
	// means BrowserLimit less the name "dancer.session" and "=". A session
	// whose cookie would be longer is refused with an error wrapping
	// adapter.ErrTooLarge: browsers silently drop such cookies.
	MaxCookieSize int
	// Logger receives a debug line for each cookie rejected by Load
	// (tampered, expired, made with another key, garbage). Nil means
	// slog.Default().
	Logger *slog.Logger
}

// Engine is the Cookie engine. It implements adapter.Engine and is safe for
// concurrent use.
type Engine struct {
	codec   *securecookie.Codec
	expires time.Duration
	maxSize int
	logger  *slog.Logger
	ids     sessionid.Digits
	now     func() time.Time
}

var _ adapter.Engine = (*Engine)(nil)

// New returns a Cookie engine.
func New(o Options) (*Engine, error) {
	if o.Key == "" {
		return nil, ErrNoKey
	}
	codec, err := securecookie.New(o.Key, o.OldKeys...)
	if err != nil {
		return nil, fmt.Errorf("cookie: %w", err)
	}
	if o.Expires < 0 {
		return nil, fmt.Errorf("cookie: negative Expires %v", o.Expires)
	}
	e := &Engine{codec: codec, expires: o.Expires, maxSize: o.MaxCookieSize, logger: o.Logger, now: time.Now}
	if e.maxSize <= 0 {
		e.maxSize = BrowserLimit - len(config.DefaultName) - 1
	}
	if e.logger == nil {
		e.logger = slog.Default()
	}
	return e, nil
}

// Open returns a Cookie engine configured from Dancer's settings:
// session_cookie_key (required), session_cookie_old_keys (optional: a YAML
// list or a comma-separated string of earlier keys), session_expires (read
// with Time::Duration::Parse, as Dancer::Session::Cookie does) and
// session_name (its length counts against the browser's 4096 bytes).
func Open(s *config.Settings) (adapter.Engine, error) {
	key, err := s.String("session_cookie_key", "")
	if err != nil {
		return nil, err
	}
	if key == "" {
		return nil, ErrNoKey
	}
	old, err := s.List("session_cookie_old_keys")
	if err != nil {
		return nil, err
	}
	return New(Options{
		Key:           key,
		OldKeys:       old,
		Expires:       s.Expires,
		MaxCookieSize: BrowserLimit - len(s.Name) - 1,
	})
}

// NewID returns a fresh Dancer 1 style id: 40 random decimal digits.
func (e *Engine) NewID() (string, error) { return e.ids.New() }

// ValidToken checks a cookie value's shape before any cryptography: at most
// 4096 bytes of Dancer's id characters, four or five "~"-separated fields,
// base64url salt, ciphertext and MAC (the MAC of the right length), a
// decimal expiry or none, and a version of 1 or 2.
func (e *Engine) ValidToken(token string) bool {
	if len(token) == 0 || len(token) > maxTokenLen {
		return false
	}
	var field [6]int // start of each field
	n := 1
	for i := 0; i < len(token); i++ {
		c := token[i]
		switch {
		case c == '~':
			if n == len(field) {
				return false
			}
			field[n] = i + 1
			n++
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_':
		default:
			return false
		}
	}
	if n != 4 && n != 5 {
		return false
	}
	get := func(i int) string {
		end := len(token)
		if i+1 < n {
			end = field[i+1] - 1
		}
		return token[field[i]:end]
	}
	salt, expires, ciphertext, mac := get(0), get(1), get(2), get(3)
	if salt == "" || ciphertext == "" || len(mac) != macLen64 {
		return false
	}
	for i := 0; i < len(expires); i++ {
		if expires[i] < '0' || expires[i] > '9' {
			return false
		}
	}
	if n == 5 {
		if v := get(4); v != "1" && v != "2" {
			return false
		}
	}
	return true
}

// Load decrypts, verifies and decodes the session in token. A cookie that
// is tampered with, expired, made with an unknown key or not a session is
// not found (the adapter starts a fresh session), as in Perl; the reason is
// logged at debug level. Load never returns an error: there is no store
// that could fail.
func (e *Engine) Load(ctx context.Context, token string) (adapter.Record, bool, error) {
	v, expires, err := e.codec.Decode(token)
	if err != nil {
		e.logger.DebugContext(ctx, "cookie: session cookie rejected; starting a fresh session", "err", err)
		return adapter.Record{}, false, nil
	}
	values, ok := v.(map[string]any)
	if !ok {
		e.logger.DebugContext(ctx, "cookie: session cookie holds no hash; starting a fresh session", "type", fmt.Sprintf("%T", v))
		return adapter.Record{}, false, nil
	}
	id := idOf(values["id"])
	if id == "" {
		e.logger.DebugContext(ctx, "cookie: session cookie holds no id; starting a fresh session")
		return adapter.Record{}, false, nil
	}
	values["id"] = id
	return adapter.Record{ID: id, Values: values, Deadline: expires}, true, nil
}

// idOf returns Dancer's session id as a string: Perl writes it as a string,
// but a number is what Perl would mean by it too.
func idOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return ""
}

// Save encrypts the whole session with a fresh salt and returns it as the
// new cookie value. changed is not used: nothing is stored on the server to
// merge with, so when requests overlap, the cookie the browser keeps last
// wins, as with Perl. The expiry written is now plus Options.Expires, not
// rec.Deadline (the adapter's idea of a server-side lifetime).
func (e *Engine) Save(_ context.Context, rec adapter.Record, _ []string) (string, error) {
	values := rec.Values
	if cur, _ := values["id"].(string); cur != rec.ID {
		// Dancer keeps the id in the data; a Perl app reads it from there.
		values = make(map[string]any, len(rec.Values)+1)
		for k, v := range rec.Values {
			values[k] = v
		}
		values["id"] = rec.ID
	}
	var expires time.Time
	if e.expires > 0 {
		expires = e.now().Add(e.expires)
	}
	token, err := e.codec.Encode(values, expires)
	if err != nil {
		return "", fmt.Errorf("cookie: %w", err)
	}
	if len(token) > e.maxSize {
		return "", fmt.Errorf("%w: the session cookie would be %d bytes, more than the %d a browser keeps", adapter.ErrTooLarge, len(token), e.maxSize)
	}
	return token, nil
}

// CheckSize reports, with an error wrapping adapter.ErrTooLarge, a session
// whose cookie would pass the size limit. The adapter calls it on every Set,
// so a handler learns at once that a value does not fit.
func (e *Engine) CheckSize(rec adapter.Record) error {
	_, err := e.Save(context.Background(), rec, nil)
	return err
}

// Delete does nothing: a cookie session has no server-side copy to delete.
// The adapter expires the browser's cookie when a session is destroyed, but
// a copy of the old cookie remains valid until it expires.
func (e *Engine) Delete(context.Context, string) error { return nil }
