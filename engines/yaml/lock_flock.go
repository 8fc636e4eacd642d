//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package yaml

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
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
	if err := flock(ctx, f, syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return func() { f.Close() }, nil // closing releases the lock
}

// flock applies how to f, waiting for a conflicting lock only as long as
// ctx allows. A blocking flock(2) cannot be cancelled, and a process that
// holds the lock and hangs (or a Perl writer that is slow) would keep the
// request waiting for ever: so the lock is tried without blocking and the
// try repeated, backing off from 1 to 10 ms.
func flock(ctx context.Context, f *os.File, how int) error {
	wait := time.Millisecond
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case !errors.Is(err, syscall.EWOULDBLOCK):
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, 10*time.Millisecond)
	}
}

// sharedLock takes a shared flock on an open session file, as Dancer2 does
// before reading one (it takes an exclusive one to write it).
func sharedLock(ctx context.Context, f *os.File) error { return flock(ctx, f, syscall.LOCK_SH) }
