package storable

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/dancergo/dancergo/internal/filelock"
)

// lockFile opens the session file p and takes an exclusive flock on it,
// waiting (until ctx is done) for another writer to finish. Because writers
// replace the file by renaming a new one over it, the lock is only good if
// p still names the locked file once the lock is held; otherwise the new
// file is locked instead. It returns nil, nil when there is no file.
// Closing the file releases the lock.
func lockFile(ctx context.Context, p string) (*os.File, error) {
	for {
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if err := filelock.Lock(ctx, f, syscall.LOCK_EX); err != nil {
			f.Close()
			return nil, err
		}
		held, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		now, err := os.Stat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			f.Close()
			return nil, nil
		case err != nil:
			f.Close()
			return nil, err
		case os.SameFile(held, now):
			return f, nil
		}
		f.Close() // replaced while we waited: lock the new file
	}
}

// tempSuffix marks the engine's temporary files, which are hidden and
// named after the session file they will replace.
const tempSuffix = ".tmp-"

// writeAtomic writes b to a new file (mode 0600) in p's directory and
// renames it over p, so that readers see the old session or the new one,
// never a part.
func writeAtomic(p string, b []byte) error {
	dir, base := filepath.Split(p)
	tmp, err := os.CreateTemp(dir, "."+base+tempSuffix+"*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
