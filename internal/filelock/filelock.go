//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

// Package filelock takes flock(2) locks that a context can stop waiting
// for, as the file engines need around Perl's session files.
package filelock

import (
	"context"
	"errors"
	"os"
	"syscall"
	"time"
)

// Lock applies how (syscall.LOCK_EX or syscall.LOCK_SH) to f, waiting for a
// conflicting lock only as long as ctx allows, and returns ctx's error when
// it gives up. A blocking flock(2) cannot be cancelled, and a process that
// holds the lock and hangs (or a Perl writer that is slow) would keep the
// request waiting for ever: so the lock is tried without blocking and the
// try repeated, backing off from 1 to 10 ms. flock locks belong to the open
// file: they exclude other processes and other open files of this one, and
// closing f releases them.
func Lock(ctx context.Context, f *os.File, how int) error {
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
