package e2e

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	loginBin  string
	buildErr  error
	buildOut  []byte
)

// LoginBinary builds examples/login once per test binary and returns its
// path.
func LoginBinary(t testing.TB) string {
	t.Helper()
	root := RepoRoot(t)
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "dancergo-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		loginBin = filepath.Join(dir, "login")
		cmd := exec.Command("go", "build", "-o", loginBin, "./examples/login")
		cmd.Dir = root
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("build examples/login: %v\n%s", buildErr, buildOut)
	}
	return loginBin
}

// StartLogin runs examples/login on a free loopback port with extra flags
// (for instance "-config", path).
func StartLogin(t testing.TB, flags ...string) *Process {
	t.Helper()
	bin := LoginBinary(t)
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
