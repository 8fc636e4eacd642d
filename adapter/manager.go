package adapter

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/dancergo/dancergo/compat/config"
)

// Manager holds an Engine and the session cookie's settings. Its fields may
// be changed after New and before the first request.
type Manager struct {
	// Engine stores the sessions.
	Engine Engine
	// Cookie describes the session cookie.
	Cookie Cookie
	// Lifetime is how long the server keeps a session after it was created
	// (after it was last written, for stores that keep no deadline of their
	// own). It defaults to Cookie.Expires, or DefaultLifetime when that is
	// zero.
	Lifetime time.Duration
	// MaxSize, if positive, is the largest session a handler may build, in
	// bytes as estimated by perl.Size: a Set that would pass it fails with
	// ErrTooLarge and leaves the session as it was.
	MaxSize int
	// Logger receives one line per store failure or discarded session.
	Logger *slog.Logger
}

// Cookie describes the session cookie.
type Cookie struct {
	Name     string        // session_name, default "dancer.session"
	Domain   string        // session_domain
	Path     string        // always "/" in Dancer 1
	Secure   bool          // session_secure
	HTTPOnly bool          // session_is_http_only, default true
	SameSite http.SameSite // session_same_site, default Lax
	// Expires, when positive, gives the cookie an Expires attribute this
	// long after the session is created (session_expires). Zero makes a
	// browser-session cookie.
	Expires time.Duration
}

// New returns a Manager for engine with the cookie settings of s. A nil s
// means Dancer's defaults (config.Default). An engine that implements
// CookieNamer names the cookie instead of s.Name.
func New(engine Engine, s *config.Settings) *Manager {
	if s == nil {
		s = config.Default()
	}
	lifetime := s.Expires
	if lifetime <= 0 {
		lifetime = DefaultLifetime
	}
	name := s.Name
	if n, ok := engine.(CookieNamer); ok && n.CookieName() != "" {
		name = n.CookieName()
	}
	return &Manager{
		Engine: engine,
		Cookie: Cookie{
			Name:     name,
			Domain:   s.Domain,
			Path:     "/",
			Secure:   s.Secure,
			HTTPOnly: s.HTTPOnly,
			SameSite: s.SameSite,
			Expires:  s.Expires,
		},
		Lifetime: lifetime,
		MaxSize:  s.MaxSize,
		Logger:   slog.Default(),
	}
}

// DefaultLifetime is how long a session lives on the server when nothing
// else is configured; it is scs's default too.
const DefaultLifetime = 24 * time.Hour

func (m *Manager) lifetime() time.Duration {
	if m.Lifetime > 0 {
		return m.Lifetime
	}
	return DefaultLifetime
}

func (m *Manager) logger() *slog.Logger {
	if m.Logger != nil {
		return m.Logger
	}
	return slog.Default()
}
