package config

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Defaults, as Dancer 1 has them unless noted.
const (
	// DefaultEngine is the engine used when config.yml names none. (Dancer
	// 1's own default is Simple too.)
	DefaultEngine = "Simple"
	// DefaultName is the cookie name (session_name).
	DefaultName = "dancer.session"
	// DefaultMaxSize is the largest session, in bytes, a handler may build
	// (session_max_size; dancergo's own setting).
	DefaultMaxSize = 256 << 10
)

// Settings are the session settings of one Dancer application.
type Settings struct {
	// Engine is the engine name (setting "session"), as written: engines are
	// matched case-insensitively.
	Engine string
	// Name is the session cookie's name (session_name).
	Name string
	// Domain is the cookie's Domain attribute (session_domain); empty for none.
	Domain string
	// Secure adds the Secure attribute (session_secure).
	Secure bool
	// HTTPOnly adds the HttpOnly attribute (session_is_http_only, default
	// on).
	HTTPOnly bool
	// SameSite is the cookie's SameSite attribute (session_same_site).
	// Dancer 1 sends None by default, which browsers reject without Secure;
	// unless the setting is given, dancergo sends Lax.
	SameSite http.SameSite
	// Expires is session_expires: zero for a browser-session cookie,
	// otherwise how long after the session is created the cookie expires
	// (and how long a server-side store keeps it).
	Expires time.Duration
	// Dir is session_dir made absolute against AppDir; by default
	// <appdir>/sessions, as Dancer.
	Dir string
	// MaxSize is the largest session a handler may build, in bytes, as
	// estimated by perl.Size (session_max_size, dancergo's own setting;
	// default DefaultMaxSize, 0 for no limit). Setting a value that would
	// pass it fails and leaves the session as it was.
	MaxSize int
	// AppDir is the application's directory: the one holding config.yml.
	AppDir string
	// Environment is the environment whose overlay was read.
	Environment string

	raw map[string]any
}

// Default returns the settings of an application with no config.yml: the
// Simple engine, cookie dancer.session, HttpOnly, SameSite=Lax.
func Default() *Settings {
	s, err := FromMap(map[string]any{}, ".")
	if err != nil {
		panic("config: defaults do not parse: " + err.Error()) // a bug, not input
	}
	return s
}

// FromMap builds Settings from already-parsed configuration, as if read from
// a config.yml in appDir.
func FromMap(raw map[string]any, appDir string) (*Settings, error) {
	absDir, err := filepath.Abs(appDir)
	if err != nil {
		return nil, fmt.Errorf("config: app dir: %w", err)
	}
	s := &Settings{AppDir: absDir, raw: raw}
	if s.Engine, err = s.String("session", DefaultEngine); err != nil {
		return nil, err
	}
	if s.Engine == "" {
		s.Engine = DefaultEngine
	}
	if s.Name, err = s.String("session_name", DefaultName); err != nil {
		return nil, err
	}
	if s.Name == "" || !validCookieName(s.Name) {
		return nil, &Error{Key: "session_name", Value: s.Name, Err: errCookieName}
	}
	if s.Domain, err = s.String("session_domain", ""); err != nil {
		return nil, err
	}
	if s.Secure, err = s.Bool("session_secure", false); err != nil {
		return nil, err
	}
	if s.HTTPOnly, err = s.Bool("session_is_http_only", true); err != nil {
		return nil, err
	}
	if s.SameSite, err = s.sameSite(); err != nil {
		return nil, err
	}
	if s.Expires, err = s.sessionExpires(); err != nil {
		return nil, err
	}
	if s.MaxSize, err = s.Int("session_max_size", DefaultMaxSize); err != nil {
		return nil, err
	}
	if s.MaxSize < 0 {
		return nil, &Error{Key: "session_max_size", Value: s.MaxSize, Err: errNegative}
	}
	dir, err := s.String("session_dir", "sessions")
	if err != nil {
		return nil, err
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(absDir, dir)
	}
	s.Dir = dir
	return s, nil
}

func (s *Settings) sameSite() (http.SameSite, error) {
	v, err := s.String("session_same_site", "")
	if err != nil {
		return 0, err
	}
	switch strings.ToLower(v) {
	case "":
		return http.SameSiteLaxMode, nil
	case "lax":
		return http.SameSiteLaxMode, nil
	case "strict":
		return http.SameSiteStrictMode, nil
	case "none":
		return http.SameSiteNoneMode, nil
	}
	return 0, &Error{Key: "session_same_site", Value: v, Err: errSameSite}
}

// Lookup returns the raw value of a top-level key, as the YAML decoder gave
// it, and whether the key is set.
func (s *Settings) Lookup(key string) (any, bool) {
	v, ok := s.raw[key]
	return v, ok && v != nil
}

// String returns a key as a string, or def when it is unset. Numbers and
// booleans are written as Perl would stringify them.
func (s *Settings) String(key, def string) (string, error) {
	v, ok := s.Lookup(key)
	if !ok {
		return def, nil
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case int, int64, uint64, float64:
		return fmt.Sprint(x), nil
	case bool:
		if x {
			return "1", nil
		}
		return "", nil
	}
	return "", &Error{Key: key, Value: v, Err: errNotScalar}
}

// Int returns a key as an integer, or def when it is unset.
func (s *Settings) Int(key string, def int) (int, error) {
	v, ok := s.Lookup(key)
	if !ok {
		return def, nil
	}
	switch x := v.(type) {
	case int:
		return x, nil
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		if err == nil {
			return n, nil
		}
	}
	return 0, &Error{Key: key, Value: v, Err: errNotInt}
}

// Bool returns a key as a boolean, or def when it is unset. It accepts YAML
// booleans, 1/0, and the words true/false, yes/no, on/off in any case.
// (Perl would take the string "false" as true; nobody writes it meaning
// that, so dancergo does not copy it.)
func (s *Settings) Bool(key string, def bool) (bool, error) {
	v, ok := s.Lookup(key)
	if !ok {
		return def, nil
	}
	switch x := v.(type) {
	case bool:
		return x, nil
	case int:
		return x != 0, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "1", "true", "yes", "on":
			return true, nil
		case "0", "", "false", "no", "off":
			return false, nil
		}
	}
	return false, &Error{Key: key, Value: v, Err: errNotBool}
}

// Duration returns a key as a duration in Dancer's language (see
// ParseDuration), or def when it is unset. A negative duration is an error.
func (s *Settings) Duration(key string, def time.Duration) (time.Duration, error) {
	return s.duration(key, def, ParseDuration)
}

func (s *Settings) duration(key string, def time.Duration, parse func(string) (time.Duration, error)) (time.Duration, error) {
	v, ok := s.Lookup(key)
	if !ok {
		return def, nil
	}
	var text string
	switch x := v.(type) {
	case int:
		text = strconv.Itoa(x)
	case float64:
		text = strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		text = x
	default:
		return 0, &Error{Key: key, Value: v, Err: ErrDuration}
	}
	if strings.TrimSpace(text) == "" || strings.TrimSpace(text) == "0" {
		return 0, nil
	}
	d, err := parse(text)
	if err != nil {
		return 0, &Error{Key: key, Value: v, Err: err}
	}
	if d < 0 {
		return 0, &Error{Key: key, Value: v, Err: errNegative}
	}
	return d, nil
}

// List returns a key as a list of strings: a YAML sequence, or a string of
// items separated by commas (as Dancer reads memcached_servers). Items are
// trimmed and empty ones dropped. It returns nil when the key is unset.
func (s *Settings) List(key string) ([]string, error) {
	v, ok := s.Lookup(key)
	if !ok {
		return nil, nil
	}
	var items []string
	switch x := v.(type) {
	case string:
		items = strings.Split(x, ",")
	case []any:
		for _, e := range x {
			str, ok := e.(string)
			if !ok {
				return nil, &Error{Key: key, Value: v, Err: errNotList}
			}
			items = append(items, str)
		}
	default:
		return nil, &Error{Key: key, Value: v, Err: errNotList}
	}
	out := items[:0]
	for _, it := range items {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out, nil
}

// validCookieName reports whether name is an RFC 6265 token.
func validCookieName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return false
		}
	}
	return true
}
