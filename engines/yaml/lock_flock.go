//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package yaml

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/dancergo/dancergo/internal/filelock"
)

// lockFile takes an exclusive flock on the lock file of stripe i in dir,
// creating both when missing, waiting no longer than ctx allows. flock
// excludes other processes, and other open files of this one.
func lockFile(ctx context.Context, dir string, i int) (release func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	name := filepath.Join(dir, fmt.Sprintf("%02d", i))
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if errors.Is(err, os.ErrNotExist) {
		if err = os.MkdirAll(dir, 0o700); err == nil {
			f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	if err := filelock.Lock(ctx, f, syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return func() { f.Close() }, nil // closing releases the lock
}

// sharedLock takes a shared flock on an open session file, as Dancer2 does
// before reading one (it takes an exclusive one to write it).
func sharedLock(ctx context.Context, f *os.File) error { return filelock.Lock(ctx, f, syscall.LOCK_SH) }
