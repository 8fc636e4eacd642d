// Package yaml is Dancer's YAML session engine: one file per session,
// <session_dir>/<id>.yml, written as Perl's YAML.pm writes it, so that a
// Perl Dancer application using the same session_dir and cookie name shares
// every session with the Go one, both ways.
//
// Two flavours exist, as two Perl engines do:
//
//   - Dancer 1 (Dancer::Session::YAML, the default): the file holds the
//     session hash blessed into Dancer::Session::YAML, with the session id
//     under the key "id"; ids are decimal digits (Dancer 1 maps no other id
//     to a file). New ids are 40 digits from crypto/rand.
//   - Dancer2 (Dancer2::Session::YAML, Options.Dancer2 or the setting
//     session_yaml_flavour: dancer2): a plain hash, no class, no "id" key;
//     new ids are 32 characters of base64url from crypto/rand, the shape of
//     Dancer2's own.
//
// Either flavour reads the files of both.
//
// Files are replaced atomically (a temporary file in session_dir, mode
// 0600, renamed over the old one), as Dancer 1 does, so a reader never sees
// half a file. Save with a list of changed keys re-reads the file and
// applies just those keys, under a lock shared by every Go process using
// the directory (flock on lock files in session_dir/.dancergo-locks), so
// concurrent Go requests on one session lose no key. Perl takes no such
// lock (Dancer2 locks only its own reads and writes of the file), so a Go
// write and a Perl write of the same session at the same moment stay
// last-writer-wins, as two Perl requests are.
//
// A session file that is empty or cannot be read as YAML is reported as
// adapter.ErrCorrupt: the request gets a fresh session (with a new id) and
// the broken file is left in place for inspection, where Dancer would
// answer every request carrying that cookie with a 500.
//
// Dancer never deletes old session files. Purge (and the Purger method,
// behind the command-line tool's purge command) deletes the files not
// written for a given time.
package yaml

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/perlyaml"
	"github.com/dancergo/dancergo/compat/sessionid"
)

// Class is the class Dancer 1 blesses its YAML sessions into.
const Class = "Dancer::Session::YAML"

// FlavourSetting is the config.yml setting that chooses the flavour:
// "dancer1" (the default) or "dancer2".
const FlavourSetting = "session_yaml_flavour"

// Options configure an Engine.
type Options struct {
	// Dir is the session directory (Dancer's session_dir). New creates it,
	// mode 0700, when it is missing.
	Dir string
	// Dancer2 writes Dancer2's files (a plain hash without "id") and makes
	// Dancer2-shaped ids; otherwise the engine is Dancer 1's.
	Dancer2 bool
	// MaxSize, if positive, is the largest file Save writes, in bytes; a
	// larger session is refused with adapter.ErrTooLarge and the file is
	// left as it was.
	MaxSize int
	// Logger receives the engine's warnings; nil means slog.Default().
	Logger *slog.Logger
}

// Engine stores sessions as YAML files. It implements adapter.Engine,
// adapter.Lister and adapter.Purger. It is safe for concurrent use.
type Engine struct {
	dir     string
	dancer2 bool
	ids     sessionid.Scheme
	codec   perlyaml.Codec
	maxSize int
	logger  *slog.Logger
	locks   *locks
}

var (
	_ adapter.Engine = (*Engine)(nil)
	_ adapter.Lister = (*Engine)(nil)
	_ adapter.Purger = (*Engine)(nil)
)

// New returns an engine storing its files in opts.Dir.
func New(opts Options) (*Engine, error) {
	if opts.Dir == "" {
		return nil, errors.New("yaml: no session directory")
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("yaml: session directory: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("yaml: session directory: %w", err)
	}
	e := &Engine{
		dir:     dir,
		dancer2: opts.Dancer2,
		ids:     sessionid.Digits{},
		codec:   perlyaml.Codec{Class: Class},
		maxSize: opts.MaxSize,
		logger:  opts.Logger,
		locks:   newLocks(filepath.Join(dir, lockDir)),
	}
	if opts.Dancer2 {
		e.ids = sessionid.Dancer2{}
		e.codec = perlyaml.Codec{}
	}
	if e.logger == nil {
		e.logger = slog.Default()
	}
	return e, nil
}

// Open returns an engine for a Dancer application's settings: its
// session_dir (by default <appdir>/sessions) and session_yaml_flavour.
func Open(s *config.Settings) (adapter.Engine, error) {
	flavour, err := s.String(FlavourSetting, "dancer1")
	if err != nil {
		return nil, err
	}
	var dancer2 bool
	switch strings.ToLower(strings.TrimSpace(flavour)) {
	case "dancer1", "dancer", "1", "":
	case "dancer2", "2":
		dancer2 = true
	default:
		return nil, fmt.Errorf("yaml: %s is %q; want dancer1 or dancer2", FlavourSetting, flavour)
	}
	e, err := New(Options{Dir: s.Dir, Dancer2: dancer2})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Dir returns the session directory, made absolute.
func (e *Engine) Dir() string { return e.dir }

// NewID returns a fresh session id: 40 random digits for Dancer 1, 32
// random base64url characters for Dancer2.
func (e *Engine) NewID() (string, error) { return e.ids.New() }

// ValidToken reports whether token is an id this engine maps to a file:
// decimal digits for Dancer 1; Dancer's id characters, [A-Za-z0-9_~-], for
// Dancer2. Neither lets a cookie name a path outside the directory.
func (e *Engine) ValidToken(token string) bool { return e.ids.Valid(token) }

// path returns the file of a session id, checking the id first.
func (e *Engine) path(id string) (string, error) {
	if !e.ids.Valid(id) {
		return "", fmt.Errorf("yaml: %q is not a session id", truncate(id))
	}
	p := filepath.Join(e.dir, id+suffix)
	if filepath.Dir(p) != e.dir { // cannot happen with a valid id; checked all the same
		return "", fmt.Errorf("yaml: session id %q leaves the session directory", truncate(id))
	}
	return p, nil
}

// suffix ends every session file's name.
const suffix = ".yml"

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// locks serialize the writers of one session: a gate per stripe in this
// process, and flock on a lock file per stripe across processes. A gate is
// a channel rather than a mutex so that a request waiting behind another
// one gives up when its context ends.
type locks struct {
	dir   string
	gates [lockStripes]chan struct{}
}

func newLocks(dir string) *locks {
	l := &locks{dir: dir}
	for i := range l.gates {
		l.gates[i] = make(chan struct{}, 1)
	}
	return l
}

// lockDir is the folder of lock files, inside the session directory.
const lockDir = ".dancergo-locks"

// lockStripes is how many locks the sessions share.
const lockStripes = 16

// lock takes the lock of id's stripe, waiting no longer than ctx allows;
// the caller must call unlock.
func (l *locks) lock(ctx context.Context, id string) (unlock func(), err error) {
	i := stripe(id)
	select {
	case l.gates[i] <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	release, err := lockFile(ctx, l.dir, i)
	if err != nil {
		<-l.gates[i]
		return nil, err
	}
	return func() {
		release()
		<-l.gates[i]
	}, nil
}

func stripe(id string) int {
	h := uint32(2166136261) // FNV-1a
	for i := 0; i < len(id); i++ {
		h ^= uint32(id[i])
		h *= 16777619
	}
	return int(h % lockStripes)
}
