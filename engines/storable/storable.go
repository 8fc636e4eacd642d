// Package storable is Dancer's Storable engine (Dancer::Session::Storable
// 0.04): one file per session, <session_dir>/<session_name>_<id>.stor,
// holding Storable::nstore of the session hash blessed into
// Dancer::Session::Storable (the "id" key included). A Perl Dancer app
// using that engine on the same directory shares every session.
//
// Where dancergo differs from Dancer, it is on purpose:
//   - Files are written to a temporary file in the same directory (mode
//     0600) and renamed over the session file, so a reader never sees half
//     a session; Dancer rewrites the file in place, so a read that races
//     with a Perl write is retried before the file is called corrupt.
//   - A save applies only the keys the request changed onto the session as
//     it is on disk, under an flock of the session file, so overlapping Go
//     requests (in any number of processes) do not undo each other's
//     changes. Perl's engine takes no lock.
//   - A file that cannot be read is left where it is for inspection; the
//     visitor gets a fresh session (Dancer answers 500).
//
// The package is named storable after the engine; it uses the Storable
// codec of compat/storable, imported here as storablecodec.
package storable

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/compat/sessionid"
	storablecodec "github.com/dancergo/dancergo/compat/storable"
)

// Class is the package Dancer::Session::Storable stores sessions as.
const Class = "Dancer::Session::Storable"

// DefaultMaxSize is the largest session file the engine reads or writes.
const DefaultMaxSize = 16 << 20

// Options configure an Engine.
type Options struct {
	// Dir holds the session files (session_dir). It is created, mode 0700,
	// if missing. Required.
	Dir string
	// Name prefixes every file name (session_name); default
	// "dancer.session".
	Name string
	// IDs makes and checks session ids. Nil means Dancer 1's digit ids
	// (sessionid.Digits). Whatever the scheme, an id with a path
	// separator or a dot never names a file.
	IDs sessionid.Scheme
	// MaxSize is the largest session file read or written, in bytes: a
	// larger file reads as corrupt, a larger session fails to save with
	// adapter.ErrTooLarge. Zero means DefaultMaxSize.
	MaxSize int
}

// Engine stores sessions in Storable files. It implements adapter.Engine,
// adapter.Lister and adapter.Purger, and is safe for concurrent use, also
// by several processes sharing the directory.
type Engine struct {
	dir     string
	name    string
	ids     sessionid.Scheme
	maxSize int
}

var (
	_ adapter.Engine = (*Engine)(nil)
	_ adapter.Lister = (*Engine)(nil)
	_ adapter.Purger = (*Engine)(nil)
)

// New returns an Engine on o.Dir, creating the directory if needed.
func New(o Options) (*Engine, error) {
	if o.Dir == "" {
		return nil, errors.New("storable: no session directory")
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, fmt.Errorf("storable: session directory: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("storable: session directory: %w", err)
	}
	e := &Engine{dir: dir, name: o.Name, ids: o.IDs, maxSize: o.MaxSize}
	if e.name == "" {
		e.name = config.DefaultName
	}
	if e.ids == nil {
		e.ids = sessionid.Digits{}
	}
	if e.maxSize <= 0 {
		e.maxSize = DefaultMaxSize
	}
	return e, nil
}

// Open returns an Engine for a Dancer application's settings: session_dir
// (default <appdir>/sessions) and session_name.
func Open(s *config.Settings) (adapter.Engine, error) {
	return New(Options{Dir: s.Dir, Name: s.Name})
}

// NewID returns a fresh id of the engine's scheme.
func (e *Engine) NewID() (string, error) { return e.ids.New() }

// ValidToken reports whether token is an id of the engine's scheme that can
// name a file.
func (e *Engine) ValidToken(token string) bool {
	_, ok := e.path(token)
	return ok
}

// Path returns the file that holds session id, and false for an id that
// must not name a file.
func (e *Engine) Path(id string) (string, bool) { return e.path(id) }

// path maps an id to its file. Only ids of the engine's scheme made of
// Dancer's id characters ([A-Za-z0-9_~-], no dot, no separator) are mapped,
// and the result is checked to be a direct child of the directory,
// whatever the cookie said.
func (e *Engine) path(id string) (string, bool) {
	if !e.ids.Valid(id) || !(sessionid.Token{}).Valid(id) {
		return "", false
	}
	p := filepath.Join(e.dir, e.name+"_"+id+".stor")
	if filepath.Dir(p) != e.dir {
		return "", false
	}
	return p, true
}

// Load reads and decodes the session file of token. Its Version is the
// file's bytes.
func (e *Engine) Load(ctx context.Context, token string) (adapter.Record, bool, error) {
	p, ok := e.path(token)
	if !ok {
		return adapter.Record{}, false, nil
	}
	if err := ctx.Err(); err != nil {
		return adapter.Record{}, false, storeError("read", err)
	}
	b, values, err := e.read(ctx, p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return adapter.Record{}, false, nil
	case err != nil:
		return adapter.Record{}, false, err
	}
	return adapter.Record{ID: token, Values: values, Version: b}, true, nil
}

// Read attempts before a truncated file is called corrupt: Perl's nstore
// truncates the file and then writes it, so a read can land in between.
const (
	readAttempts = 4
	readPause    = 3 * time.Millisecond
)

// read reads and decodes a session file. A missing file is fs.ErrNotExist,
// a file that cannot be decoded adapter.ErrCorrupt, anything else
// adapter.ErrStore.
func (e *Engine) read(ctx context.Context, p string) ([]byte, map[string]any, error) {
	var err error
	for attempt := range readAttempts {
		if attempt > 0 {
			if err := sleep(ctx, readPause); err != nil {
				return nil, nil, storeError("read", err)
			}
		}
		var b []byte
		if b, err = e.readFile(p); err != nil {
			return nil, nil, err
		}
		var values map[string]any
		values, err = decode(b)
		if err == nil {
			return b, values, nil
		}
		if !errors.Is(err, storablecodec.ErrTruncated) {
			break
		}
	}
	return nil, nil, fmt.Errorf("%w: %s: %w", adapter.ErrCorrupt, filepath.Base(p), err)
}

func (e *Engine) readFile(p string) ([]byte, error) {
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, storeError("open", err)
	}
	defer f.Close()
	return e.readAll(f)
}

// readAll reads an open session file from its start, refusing files over
// the size limit.
func (e *Engine) readAll(f *os.File) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, storeError("stat", err)
	}
	if fi.Size() > int64(e.maxSize) {
		return nil, fmt.Errorf("%w: %s: %d bytes, limit %d", adapter.ErrCorrupt, filepath.Base(f.Name()), fi.Size(), e.maxSize)
	}
	b := make([]byte, 0, fi.Size()+1)
	for {
		n, err := f.ReadAt(b[len(b):cap(b)], int64(len(b)))
		b = b[:len(b)+n]
		if errors.Is(err, io.EOF) {
			return b, nil
		}
		if err != nil {
			return nil, storeError("read", err)
		}
		if len(b) > e.maxSize {
			return nil, fmt.Errorf("%w: %s: over %d bytes", adapter.ErrCorrupt, filepath.Base(f.Name()), e.maxSize)
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // it grew while we read
		}
	}
}

// decode reads a file image as Storable::retrieve does and unwraps the
// session hash.
func decode(b []byte) (map[string]any, error) {
	v, err := storablecodec.UnmarshalFile(b)
	if err != nil {
		return nil, err
	}
	values, ok := storablecodec.SessionHash(v)
	if !ok {
		return nil, fmt.Errorf("%w (got %T)", storablecodec.ErrNotHash, v)
	}
	return values, nil
}

// Save writes rec's file. When changed is nil the whole session is written;
// otherwise, under the file's lock, the changed keys are applied onto the
// session as it is on disk. A session whose file was deleted in the
// meantime (a logout in another tab) stays deleted.
func (e *Engine) Save(ctx context.Context, rec adapter.Record, changed []string) (string, error) {
	p, ok := e.path(rec.ID)
	if !ok {
		return "", fmt.Errorf("storable: session id %q cannot name a file", rec.ID)
	}
	lock, err := lockFile(ctx, p)
	if err != nil {
		return "", storeError("lock", err)
	}
	if lock != nil {
		defer lock.Close()
	}
	values := rec.Values
	if changed != nil {
		if lock == nil {
			return rec.ID, nil
		}
		current, err := e.readAll(lock)
		if err != nil && !errors.Is(err, adapter.ErrCorrupt) {
			return "", err
		}
		if loaded, _ := rec.Version.([]byte); err == nil && !bytes.Equal(current, loaded) {
			// Another request wrote since this one loaded: apply this
			// request's changes onto what it wrote. What cannot be read is
			// replaced, as a fresh session would have replaced it.
			if stored, err := decode(current); err == nil {
				values = adapter.Merge(stored, rec.Values, changed)
			}
		}
	}
	if id, _ := values["id"].(string); id != rec.ID {
		values = withID(values, rec.ID)
	}
	b, err := storablecodec.MarshalFile(&perl.Object{Class: Class, Value: values})
	if err != nil {
		return "", fmt.Errorf("storable: encode session: %w", err)
	}
	if len(b) > e.maxSize {
		return "", fmt.Errorf("%w: %d bytes encoded, limit %d", adapter.ErrTooLarge, len(b), e.maxSize)
	}
	if err := ctx.Err(); err != nil {
		return "", storeError("write", err)
	}
	if err := writeAtomic(p, b); err != nil {
		return "", storeError("write", err)
	}
	return rec.ID, nil
}

// withID returns a copy of values whose "id" is id: Dancer keeps the id in
// the stored object.
func withID(values map[string]any, id string) map[string]any {
	out := make(map[string]any, len(values)+1)
	for k, v := range values {
		out[k] = v
	}
	out["id"] = id
	return out
}

// Delete removes the session file of id, under its lock, so that a save
// that was merging onto it does not bring it back.
func (e *Engine) Delete(ctx context.Context, id string) error {
	p, ok := e.path(id)
	if !ok {
		return nil
	}
	lock, err := lockFile(ctx, p)
	if err != nil {
		return storeError("lock", err)
	}
	if lock == nil {
		return nil
	}
	defer lock.Close()
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return storeError("remove", err)
	}
	return nil
}

func storeError(op string, err error) error {
	return fmt.Errorf("%w: storable %s: %w", adapter.ErrStore, op, err)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
