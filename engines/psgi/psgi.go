package psgi

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/sessionid"
)

// Defaults for Options.
const (
	// DefaultCookieName is Plack::Session::State's session_key.
	DefaultCookieName = "plack_session"
	// DefaultFileMode is the permission of the files Go writes. Plack's own
	// are 0644 (from the umask), readable by every local user.
	DefaultFileMode fs.FileMode = 0o600
	// DefaultMaxFileSize is the largest session file Load reads (a larger
	// one is treated as corrupt) and Save writes.
	DefaultMaxFileSize = 8 << 20
	// DefaultLockTimeout is how long a call waits for another process's
	// lock on a session file before it fails.
	DefaultLockTimeout = 10 * time.Second
)

// Config keys read by Open.
const (
	// KeyDir is the directory of the session files, Plack's "dir".
	// Relative paths are taken from the application's directory. Default:
	// $TMPDIR or /tmp, as Plack::Session::Store::File.
	KeyDir = "psgi_session_dir"
	// KeyCookieName is the session cookie's name, Plack's session_key.
	// Default: plack_session. (session_name does not apply: it is not what
	// Plack reads, and Dancer::Session::PSGI ignores it too.)
	KeyCookieName = "psgi_cookie_name"
)

// Options configure an Engine. Zero fields take the defaults.
type Options struct {
	// Dir is the directory of the session files. It must exist. Default:
	// $TMPDIR or /tmp, as Plack::Session::Store::File.
	Dir string
	// CookieName is the session cookie's name. Default: plack_session.
	CookieName string
	// FileMode is the permission of the files Go writes. Default: 0600.
	// Perl must run as the same user to read them; a Perl app running as
	// another user of the same group needs 0640 (or 0660, for it to write
	// back into files Go created).
	FileMode fs.FileMode
	// MaxFileSize is the largest session file Load reads, in bytes; a larger
	// one is treated as corrupt, and Save refuses to write one with
	// adapter.ErrTooLarge. Default: DefaultMaxFileSize.
	MaxFileSize int64
	// LockTimeout is how long a call waits for another process's lock on a
	// session file. Default: DefaultLockTimeout.
	LockTimeout time.Duration
}

// Engine stores sessions as Plack::Session::Store::File does. It implements
// adapter.Engine, adapter.CookieNamer, adapter.Lister and adapter.Purger.
// Its methods are safe for concurrent use, and several processes (Go or
// Perl) may use the same directory.
type Engine struct {
	dir         string
	cookieName  string
	mode        fs.FileMode
	maxFileSize int64
	lockTimeout time.Duration
	// ownOnly is set when anyone may create files in dir (/tmp, Plack's
	// default): a file there counts as a session only if this process's
	// user owns it, so another local user cannot plant one.
	ownOnly bool

	// gates serialize this process's writers of one id (hashed onto a
	// gate) without polling the flock; a channel, so waiting obeys ctx.
	gates [64]chan struct{}
}

// ids is Plack's id scheme.
var ids = sessionid.Hex40{}

// ErrInvalidID is returned by Save for an id that is not 40 lowercase hex
// digits: such an id never becomes a file name.
var ErrInvalidID = errors.New("psgi: session id is not 40 lowercase hex digits")

// New returns an engine on the session files in o.Dir, which must be an
// existing, writable directory (Plack dies without one too).
func New(o Options) (*Engine, error) {
	dir := o.Dir
	if dir == "" {
		dir = os.TempDir() // $TMPDIR or /tmp, Plack's default
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("psgi: session directory: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("psgi: session directory: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("psgi: session directory %s is not a directory", dir)
	}
	if err := writable(dir); err != nil {
		return nil, fmt.Errorf("psgi: session directory %s is not writable: %w", dir, err)
	}
	e := &Engine{
		dir:         dir,
		cookieName:  o.CookieName,
		mode:        o.FileMode,
		maxFileSize: o.MaxFileSize,
		lockTimeout: o.LockTimeout,
		ownOnly:     fi.Mode().Perm()&0o002 != 0,
	}
	if e.cookieName == "" {
		e.cookieName = DefaultCookieName
	}
	if err := (&http.Cookie{Name: e.cookieName, Value: "x"}).Valid(); err != nil {
		return nil, fmt.Errorf("psgi: cookie name %q: %w", e.cookieName, err)
	}
	if e.mode == 0 {
		e.mode = DefaultFileMode
	}
	if e.mode&^fs.ModePerm != 0 {
		return nil, fmt.Errorf("psgi: file mode %v is not a permission", e.mode)
	}
	if e.maxFileSize <= 0 {
		e.maxFileSize = DefaultMaxFileSize
	}
	if e.lockTimeout <= 0 {
		e.lockTimeout = DefaultLockTimeout
	}
	for i := range e.gates {
		e.gates[i] = make(chan struct{}, 1)
	}
	return e, nil
}

// Open returns an engine configured by psgi_session_dir and
// psgi_cookie_name.
func Open(s *config.Settings) (adapter.Engine, error) {
	dir, err := s.String(KeyDir, "")
	if err != nil {
		return nil, err
	}
	if dir != "" && !filepath.IsAbs(dir) {
		dir = filepath.Join(s.AppDir, dir)
	}
	name, err := s.String(KeyCookieName, DefaultCookieName)
	if err != nil {
		return nil, err
	}
	return New(Options{Dir: dir, CookieName: name})
}

// Dir returns the directory of the session files.
func (e *Engine) Dir() string { return e.dir }

// CookieName returns the session cookie's name (adapter.CookieNamer).
func (e *Engine) CookieName() string { return e.cookieName }

// NewID returns 40 lowercase hex digits from crypto/rand.
func (e *Engine) NewID() (string, error) { return ids.New() }

// ValidToken reports whether token is 40 lowercase hex digits, Plack's own
// check.
func (e *Engine) ValidToken(token string) bool { return ids.Valid(token) }

// path returns the file of a valid id.
func (e *Engine) path(id string) string { return filepath.Join(e.dir, id) }
