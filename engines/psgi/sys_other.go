//go:build !unix

package psgi

import (
	"io/fs"
	"os"
)

// Without flock, locks are not taken: only this process's own writers
// exclude each other (through Engine.gates). Plack's files are shared with
// Perl on unix systems; elsewhere the engine works for Go alone.
const (
	lockShared    = 1
	lockExclusive = 2
)

func openSession(path string) (*os.File, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return nil, errSymlink
	}
	return os.Open(path)
}

func tryLock(*os.File, int) (bool, error) { return false, nil }

func ownedByUs(fs.FileInfo) bool { return true }

func writable(string) error { return nil }
