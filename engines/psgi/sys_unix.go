//go:build unix

package psgi

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// Lock kinds, those of Storable's lock_retrieve and lock_nstore.
const (
	lockShared    = syscall.LOCK_SH
	lockExclusive = syscall.LOCK_EX
)

// openSession opens a session file for reading and locking. O_NOFOLLOW
// refuses a symbolic link in its place (so nothing outside the directory is
// read), O_NONBLOCK keeps a FIFO planted there from blocking the open.
func openSession(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if errors.Is(err, syscall.ELOOP) {
		return nil, errSymlink
	}
	return f, err
}

// tryLock takes an flock without blocking; busy reports that another open
// file holds a conflicting one. flock (not fcntl) locks belong to the open
// file, so two goroutines of one process exclude each other too, and the
// lock ends when the file is closed.
func tryLock(f *os.File, how int) (busy bool, err error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return false, err
	}
	var lockErr error
	if err := rc.Control(func(fd uintptr) {
		for {
			lockErr = syscall.Flock(int(fd), how|syscall.LOCK_NB)
			if lockErr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return false, err
	}
	if lockErr == syscall.EWOULDBLOCK {
		return true, nil
	}
	return false, lockErr
}

// ownedByUs reports whether this process's effective user owns the file.
func ownedByUs(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return !ok || int(st.Uid) == os.Geteuid()
}

// writable reports whether this process may create files in dir, as Perl's
// -w test that Plack::Session::Store::File->new makes.
func writable(dir string) error {
	return syscall.Access(dir, 0o2) // W_OK
}
