package e2e

import (
	"net"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// Process is a program started by a test, listening on Addr.
type Process struct {
	// Addr is the host:port it listens on.
	Addr string
	// URL is http://Addr, for HTTP servers.
	URL string

	t    testing.TB
	name string
	args []string
	env  []string
	dir  string
	cmd  *exec.Cmd
	logs *LogBuffer
}

// FreeAddr returns a loopback address with a port nobody listens on now.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Start runs the program name with args from dir (the current directory
// when empty), with env ("KEY=value") added to the environment, waits until
// addr accepts connections, and stops the process when the test ends. Its
// output is shown if the test fails. Use it for programs that have no helper
// of their own here.
func Start(t testing.TB, addr, dir string, env []string, name string, args ...string) *Process {
	t.Helper()
	return start(t, addr, dir, env, name, args...)
}

// start is Start; the helpers of this package call it.
func start(t testing.TB, addr, dir string, env []string, name string, args ...string) *Process {
	t.Helper()
	p := &Process{Addr: addr, URL: "http://" + addr, t: t, name: name, args: args, env: env, dir: dir, logs: &LogBuffer{}}
	p.Start()
	t.Cleanup(func() {
		p.Stop()
		if t.Failed() {
			t.Logf("output of %s:\n%s", name, p.logs.String())
		}
	})
	return p
}

// Start starts the process again after Stop, on the same address.
func (p *Process) Start() {
	p.t.Helper()
	cmd := exec.Command(p.name, p.args...)
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout = p.logs
	cmd.Stderr = p.logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		p.t.Fatalf("start %s: %v", p.name, err)
	}
	p.cmd = cmd
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", p.Addr, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			return
		}
		select {
		case <-exited:
			p.t.Fatalf("%s exited before listening on %s:\n%s", p.name, p.Addr, p.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			p.Stop()
			p.t.Fatalf("%s did not listen on %s within 30s:\n%s", p.name, p.Addr, p.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop kills the process (and any children) and waits until its port is
// free.
func (p *Process) Stop() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	for i := 0; i < 100; i++ {
		conn, err := net.DialTimeout("tcp", p.Addr, 100*time.Millisecond)
		if err != nil {
			break
		}
		conn.Close()
		time.Sleep(50 * time.Millisecond)
	}
	p.cmd = nil
}

// Logs returns what the process printed so far.
func (p *Process) Logs() string { return p.logs.String() }
