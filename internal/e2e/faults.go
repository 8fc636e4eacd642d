package e2e

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

// DiskFull runs fn while this process cannot write to any regular file, as
// on a full disk: RLIMIT_FSIZE 0 makes every write(2) that would grow a
// file fail with EFBIG (Go ignores the SIGXFSZ that comes with it).
// Creating, renaming, removing and reading files still work. Unlike chmod,
// this holds for root, whom the tests run as in CI.
//
// The limit is the whole process's: fn must not write anything itself —
// not even through t.Log or t.Error, whose output may go to a file — so it
// should only record what happened and leave the checks to after DiskFull.
// Tests using it must not run in parallel with others.
func DiskFull(t testing.TB, fn func()) {
	t.Helper()
	var saved syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &saved); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: 0, Max: saved.Max}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &saved); err != nil {
			panic(err) // nothing more could be written: stop here
		}
	}()
	fn()
}

// ReplaceDirWithFile breaks a session directory in a way that holds for
// root too: it moves dir aside and puts a plain file in its place, so that
// every open or create under dir fails with ENOTDIR. restore puts the
// directory back as it was; it is called when the test ends if the test did
// not.
func ReplaceDirWithFile(t testing.TB, dir string) (restore func()) {
	t.Helper()
	away := dir + ".away"
	if err := os.Rename(dir, away); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("not a directory\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	restored := false
	restore = func() {
		t.Helper()
		if restored {
			return
		}
		restored = true
		if err := os.Remove(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(away, dir); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(restore)
	return restore
}

// Files returns the regular files directly in dir, name to content:
// compare two to see that nothing was lost, changed or left behind.
func Files(t testing.TB, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(b)
	}
	return files
}

// DiffFiles describes how the files in after differ from before (see
// Files): one line per file lost, changed or added, sorted; nil when they
// are the same.
func DiffFiles(before, after map[string]string) []string {
	var diff []string
	for name, b := range before {
		a, ok := after[name]
		switch {
		case !ok:
			diff = append(diff, "lost "+name)
		case a != b:
			diff = append(diff, "changed "+name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			diff = append(diff, "added "+name)
		}
	}
	slices.Sort(diff)
	return diff
}

// Flock takes an exclusive flock on path (creating the file if needed) from
// a file of its own, as another process holding the lock would, until
// release is called or the test ends.
func Flock(t testing.TB, path string) (release func()) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		t.Fatalf("flock %s: %v", path, err)
	}
	release = func() { f.Close() }
	t.Cleanup(release)
	return release
}

// BlackHole listens on a loopback port, accepts every connection and never
// answers: a server that hangs. It returns the address and closes it, and
// the connections, when the test ends.
func BlackHole(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
	return l.Addr().String()
}
