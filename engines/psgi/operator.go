package psgi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"time"
)

// batch is how many directory entries are read at a time: a session
// directory may hold millions.
const batch = 512

// entries yields the directory's entries, a batch at a time.
func (e *Engine) entries(ctx context.Context) iter.Seq2[fs.DirEntry, error] {
	return func(yield func(fs.DirEntry, error) bool) {
		d, err := os.Open(e.dir)
		if err != nil {
			yield(nil, storeError("list", err))
			return
		}
		defer d.Close()
		for {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			list, err := d.ReadDir(batch)
			for _, de := range list {
				if !yield(de, nil) {
					return
				}
			}
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(nil, storeError("list", err))
				return
			}
		}
	}
}

// IDs yields the id of every session file in the directory, in directory
// order (adapter.Lister). Other files (temporary files, anything not named
// by a valid id, symbolic links) are skipped.
func (e *Engine) IDs(ctx context.Context) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for de, err := range e.entries(ctx) {
			if err != nil {
				yield("", err)
				return
			}
			if de.Type().IsRegular() && e.ValidToken(de.Name()) && e.ours(de) {
				if !yield(de.Name(), nil) {
					return
				}
			}
		}
	}
}

// Purge deletes the session files not written for longer than olderThan,
// which must be positive, and returns how many (adapter.Purger). Plack never deletes a session file
// but on logout; run this from cron. Temporary files left by a crash are
// removed too, and not counted. A session written while Purge runs is kept:
// each file's age is checked again under its exclusive lock.
func (e *Engine) Purge(ctx context.Context, olderThan time.Duration) (int, error) {
	if olderThan <= 0 {
		return 0, fmt.Errorf("psgi: purge: age %v is not positive", olderThan)
	}
	cutoff := time.Now().Add(-olderThan)
	n := 0
	for de, err := range e.entries(ctx) {
		if err != nil {
			return n, err
		}
		name := de.Name()
		if !de.Type().IsRegular() {
			continue
		}
		if !e.ours(de) {
			continue
		}
		if isTemp(name) {
			if fi, err := de.Info(); err == nil && fi.ModTime().Before(cutoff) {
				_ = os.Remove(filepath.Join(e.dir, name))
			}
			continue
		}
		if !e.ValidToken(name) {
			continue
		}
		if fi, err := de.Info(); err != nil || !fi.ModTime().Before(cutoff) {
			continue
		}
		deleted, err := e.deleteIfOlder(ctx, name, cutoff)
		if err != nil {
			return n, err
		}
		if deleted {
			n++
		}
	}
	return n, nil
}

// deleteIfOlder deletes the session file of id if it was last written
// before cutoff, deciding under the file's exclusive lock.
func (e *Engine) deleteIfOlder(ctx context.Context, id string, cutoff time.Time) (bool, error) {
	leave, err := e.enter(ctx, id)
	if err != nil {
		return false, err
	}
	defer leave()
	f, err := e.lockExisting(ctx, id)
	if err != nil || f == nil {
		return false, storeErrorOrNil("purge", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return false, storeError("purge", err)
	}
	if !fi.ModTime().Before(cutoff) || e.ownOnly && !ownedByUs(fi) {
		return false, nil
	}
	if err := os.Remove(e.path(id)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return false, storeError("purge", err)
	}
	return true, nil
}

// ours reports whether a directory entry may be one of our sessions: any
// file, unless the directory is open to all (see Engine.ownOnly).
func (e *Engine) ours(de fs.DirEntry) bool {
	if !e.ownOnly {
		return true
	}
	fi, err := de.Info()
	return err == nil && ownedByUs(fi)
}

func storeErrorOrNil(op string, err error) error {
	if err == nil {
		return nil
	}
	return storeError(op, err)
}
