package psgi

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Reasons a file in a session's place is not read as a session. They are
// wrapped in adapter.ErrCorrupt: the adapter logs them and starts afresh.
var (
	errSymlink  = errors.New("session file is a symbolic link")
	errNotFile  = errors.New("session file is not a regular file")
	errForeign  = errors.New("session file belongs to another user, in a directory anyone may write to")
	errTooLarge = errors.New("session file is larger than the limit")
)

// errLockTimeout is returned when another process holds a session file's
// lock for longer than the engine's LockTimeout.
var errLockTimeout = errors.New("psgi: timed out waiting for the lock on a session file")

// tempPrefix starts the name of every temporary file: the dot keeps it from
// ever being taken for a session id.
const tempPrefix = "."

// tempPattern is the os.CreateTemp pattern of a file being written for id.
func tempPattern(id string) string { return tempPrefix + id + ".tmp-*" }

// isTemp reports whether a directory entry is one of our temporary files.
func isTemp(name string) bool {
	return strings.HasPrefix(name, tempPrefix) && len(name) > 41 && ids.Valid(name[1:41]) && strings.HasPrefix(name[41:], ".tmp-")
}

var gateSeed = maphash.MakeSeed()

// enter waits for this process's gate of id, or for ctx. The gate orders
// the process's own writers of a session without spinning on its flock.
func (e *Engine) enter(ctx context.Context, id string) (leave func(), err error) {
	g := e.gates[maphash.String(gateSeed, id)%uint64(len(e.gates))]
	select {
	case g <- struct{}{}:
		return func() { <-g }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// lock takes an flock on f, polling, until it has it, ctx is done or the
// lock timeout passes: flock itself cannot be cancelled.
func (e *Engine) lock(ctx context.Context, f *os.File, how int) error {
	deadline := time.Now().Add(e.lockTimeout)
	wait := 500 * time.Microsecond
	for {
		busy, err := tryLock(f, how)
		if err != nil || !busy {
			return err
		}
		if time.Now().After(deadline) {
			return errLockTimeout
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
		wait = min(2*wait, 20*time.Millisecond)
	}
}

// lockExisting opens the session file of id and takes its exclusive lock. It
// returns nil when there is no such file. Because Go replaces session files
// by renaming, the file locked may have been replaced meanwhile; lockExisting
// then locks the new one, so that what it returns is the file at the path
// now and stays so until the caller closes it (every Go writer takes this
// lock before its rename; Perl writes in place under the same lock).
func (e *Engine) lockExisting(ctx context.Context, id string) (*os.File, error) {
	path := e.path(id)
	for {
		f, err := openSession(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if err := e.lock(ctx, f, lockExclusive); err != nil {
			f.Close()
			return nil, err
		}
		held, err1 := f.Stat()
		now, err2 := os.Lstat(path)
		if err1 == nil && err2 == nil && os.SameFile(held, now) {
			return f, nil
		}
		f.Close()
		if err := errors.Join(err1, err2); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
}

// read returns the content of an open, locked session file after checking
// that it is one: a regular file, ours if the directory is open to all, not
// larger than the limit. Failed checks wrap the errors above.
func (e *Engine) read(f *os.File) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	switch {
	case !fi.Mode().IsRegular():
		return nil, errNotFile
	case e.ownOnly && !ownedByUs(fi):
		return nil, errForeign
	case fi.Size() > e.maxFileSize:
		return nil, fmt.Errorf("%w: %d bytes, limit %d", errTooLarge, fi.Size(), e.maxFileSize)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	// The size may have changed since Stat only if a writer ignored the
	// lock; the limit holds regardless.
	b, err := io.ReadAll(io.LimitReader(f, e.maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > e.maxFileSize {
		return nil, fmt.Errorf("%w: limit %d", errTooLarge, e.maxFileSize)
	}
	return b, nil
}

// isRefusal reports whether err is one of read's checks, not an I/O error.
func isRefusal(err error) bool {
	return errors.Is(err, errSymlink) || errors.Is(err, errNotFile) || errors.Is(err, errForeign) || errors.Is(err, errTooLarge)
}

// errGone is returned by write when the file a merge was based on was
// deleted meanwhile (Plack's remove takes no lock).
var errGone = errors.New("psgi: session file deleted during the write")

// write replaces the session file of id with b: a temporary file in the
// same directory, renamed over the session's name, so that readers see the
// old file or the new one and a failure leaves the old one as it was. When
// held is not nil (a merge), the rename happens only if held is still the
// file at the session's name: otherwise write returns errGone.
func (e *Engine) write(id string, b []byte, held *os.File) (err error) {
	tmp, err := os.CreateTemp(e.dir, tempPattern(id))
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// CreateTemp makes 0600 files; any other mode is set explicitly, so the
	// umask does not take part.
	if e.mode != 0o600 {
		if err := tmp.Chmod(e.mode); err != nil {
			return err
		}
	}
	if _, err := tmp.Write(b); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	path := filepath.Join(e.dir, id)
	if held != nil {
		// Go writers are locked out by held's lock; Plack's remove is not.
		// Checking narrows that race to the instant before the rename.
		then, err1 := held.Stat()
		now, err2 := os.Lstat(path)
		if errors.Is(err2, fs.ErrNotExist) {
			return errGone
		}
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		if !os.SameFile(then, now) {
			return errGone
		}
	}
	return os.Rename(tmp.Name(), path)
}
