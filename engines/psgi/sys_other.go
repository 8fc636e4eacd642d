//go:build !unix

package psgi

import (
	"io/fs"
	"os"
)

// Without flock, locks are not taken: only this process's own writers
// exclude each other (through Engine.gates). Sharing Plack's files with Perl
// is for unix systems; elsewhere the engine builds, but is not tested.
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
