package e2e

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// builds holds, per package path, the program this test binary built.
var builds sync.Map // string -> func() (string, error)

// Binary builds the main package at pkg, a path from the repository root
// such as "./examples/login", once per test binary, and returns the
// program's path. A package that does not build fails the test.
func Binary(t testing.TB, pkg string) string {
	t.Helper()
	root := RepoRoot(t)
	build, _ := builds.LoadOrStore(pkg, sync.OnceValues(func() (string, error) {
		sweepOldBuilds()
		dir, err := os.MkdirTemp("", buildDirPrefix)
		if err != nil {
			return "", err
		}
		bin := filepath.Join(dir, filepath.Base(pkg))
		cmd := exec.Command("go", "build", "-o", bin, pkg)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("%w\n%s", err, out)
		}
		return bin, nil
	}))
	bin, err := build.(func() (string, error))()
	if err != nil {
		t.Fatalf("build %s: %v", pkg, err)
	}
	return bin
}

// buildDirPrefix names the directories Binary builds into. A test binary
// cannot remove its own when it exits (the programs serve until then), so
// each run sweeps away those that earlier runs left.
const buildDirPrefix = "dancergo-e2e-"

// staleBuild is how old a build directory must be before a later run
// removes it: far longer than any test run.
const staleBuild = 6 * time.Hour

var sweepOnce sync.Once

// sweepOldBuilds removes build directories of earlier test runs.
func sweepOldBuilds() {
	sweepOnce.Do(func() {
		old, _ := filepath.Glob(filepath.Join(os.TempDir(), buildDirPrefix+"*"))
		for _, dir := range old {
			if fi, err := os.Lstat(dir); err == nil && fi.IsDir() && time.Since(fi.ModTime()) > staleBuild {
				_ = os.RemoveAll(dir)
			}
		}
	})
}

// StartLogin runs examples/login on a free loopback port with extra flags
// (for instance "-config", path).
func StartLogin(t testing.TB, flags ...string) *Process {
	t.Helper()
	bin := Binary(t, "./examples/login")
	addr := FreeAddr(t)
	return start(t, addr, "", nil, bin, append([]string{"-addr", addr}, flags...)...)
}

// StartPlackup serves a PSGI app with plackup on a free loopback port, from
// dir (the app's directory, where Dancer finds config.yml). env adds
// environment variables ("KEY=value").
func StartPlackup(t testing.TB, dir, psgi string, env ...string) *Process {
	t.Helper()
	plackup := NeedCommand(t, "plackup")
	addr := FreeAddr(t)
	host, port, _ := net.SplitHostPort(addr)
	return start(t, addr, dir, env, plackup, "--host", host, "--port", port, "-E", "deployment", "--no-default-middleware", psgi)
}

// StartMemcached runs a private memcached on a free loopback port.
func StartMemcached(t testing.TB) *Process {
	t.Helper()
	bin := NeedCommand(t, "memcached")
	addr := FreeAddr(t)
	host, port, _ := net.SplitHostPort(addr)
	args := []string{"-l", host, "-p", port, "-U", "0"}
	if os.Geteuid() == 0 {
		args = append(args, "-u", "nobody")
	}
	return start(t, addr, "", nil, bin, args...)
}

// StartRedis runs a private redis-server on a free loopback port, keeping
// nothing on disk.
func StartRedis(t testing.TB) *Process {
	t.Helper()
	bin := NeedCommand(t, "redis-server")
	addr := FreeAddr(t)
	host, port, _ := net.SplitHostPort(addr)
	return start(t, addr, t.TempDir(), nil, bin, "--bind", host, "--port", port, "--save", "", "--appendonly", "no")
}
