package psgi_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/engines/psgi"
)

// app serves an engine behind the adapter's middleware: GET ?set=k&v=v sets
// a key, GET ?get=k answers its value, and Logs holds what the adapter
// logged.
type app struct {
	t      *testing.T
	engine *psgi.Engine
	srv    *httptest.Server
	client *http.Client
	logs   *syncBuffer
}

func newApp(t *testing.T, e *psgi.Engine) *app {
	t.Helper()
	a := &app{t: t, engine: e, logs: &syncBuffer{}}
	mgr := adapter.New(e, nil)
	mgr.Logger = slog.New(slog.NewTextHandler(a.logs, nil))
	a.srv = httptest.NewServer(mgr.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := adapter.From(r)
		q := r.URL.Query()
		switch {
		case q.Has("set"):
			_ = s.Set(q.Get("set"), q.Get("v"))
		case q.Has("get"):
			v, err := s.Get(q.Get("get"))
			if err != nil {
				return
			}
			str, _ := v.(string)
			_, _ = io.WriteString(w, str)
		}
	})))
	t.Cleanup(a.srv.Close)
	jar, _ := cookiejar.New(nil)
	a.client = &http.Client{Jar: jar}
	return a
}

// get requests a query and returns the status and body.
func (a *app) get(query string) (int, string) {
	a.t.Helper()
	resp, err := a.client.Get(a.srv.URL + "/?" + query)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// sessionID returns the plack_session cookie the client holds.
func (a *app) sessionID() string {
	u, _ := http.NewRequest("GET", a.srv.URL, nil)
	for _, c := range a.client.Jar.Cookies(u.URL) {
		if c.Name == "plack_session" {
			return c.Value
		}
	}
	return ""
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestCorruptSessionThroughTheAdapter(t *testing.T) {
	a := newApp(t, newEngine(t))
	a.get("set=user&v=alice")
	id := a.sessionID()
	path := filepath.Join(a.engine.Dir(), id)
	if err := os.WriteFile(path, []byte("pst0 garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, body := a.get("get=user"); code != http.StatusOK || body != "" {
		t.Fatalf("a corrupt session: %d %q, want 200 and a fresh session", code, body)
	}
	if !strings.Contains(a.logs.String(), "cannot be decoded") || !strings.Contains(a.logs.String(), id) {
		t.Fatalf("no log line naming the corrupt session:\n%s", a.logs)
	}
	a.get("set=user&v=bob")
	if a.sessionID() == id {
		t.Fatal("kept writing to the corrupt session's id")
	}
	if b, _ := os.ReadFile(path); string(b) != "pst0 garbage" {
		t.Fatal("the corrupt file was not kept for inspection")
	}
}

// TestDirectoryReplacedByAFile breaks the store in a way that holds as root
// (where chmod does not stop writes): the session directory is moved away
// and a plain file put in its place, so every open and create fails with
// ENOTDIR. Requests that need the session are answered 503; putting the
// directory back brings every session back.
func TestDirectoryReplacedByAFile(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "sessions")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	e, err := psgi.New(psgi.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	a := newApp(t, e)
	a.get("set=user&v=alice")
	id := a.sessionID()
	before, err := os.ReadFile(filepath.Join(dir, id))
	if err != nil {
		t.Fatal(err)
	}

	away := filepath.Join(root, "away")
	if err := os.Rename(dir, away); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"get=user", "set=cart&v=1"} {
		if code, body := a.get(q); code != http.StatusServiceUnavailable || strings.Contains(body, "alice") {
			t.Fatalf("%s with the directory gone: %d %q, want 503", q, code, body)
		}
	}
	if !strings.Contains(a.logs.String(), "not a directory") {
		t.Errorf("the log does not say what failed:\n%s", a.logs)
	}

	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(away, dir); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, id)); !bytes.Equal(after, before) {
		t.Fatal("the stored session changed during the outage")
	}
	if code, body := a.get("get=user"); code != http.StatusOK || body != "alice" {
		t.Fatalf("after recovery: %d %q", code, body)
	}
	if code, _ := a.get("set=cart&v=1"); code != http.StatusOK {
		t.Fatalf("write after recovery: %d", code)
	}
	if a.sessionID() != id {
		t.Fatal("recovery started a new session")
	}
}

// TestWritesFailDiskFull makes every write fail as on a full disk, which
// holds as root too: RLIMIT_FSIZE 0 makes write(2) fail with EFBIG (Go
// ignores SIGXFSZ). Reads go on working; a write is answered 503 and the
// session on disk stays as it was, with no temporary file left behind.
//
// While the limit is on, this test's process cannot write to any regular
// file, its own output included (when go test's output goes to a file):
// nothing is reported until it is lifted.
func TestWritesFailDiskFull(t *testing.T) {
	e := newEngine(t)
	a := newApp(t, e)
	a.get("set=user&v=alice")
	id := a.sessionID()
	path := filepath.Join(e.Dir(), id)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	var saved syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &saved); err != nil {
		t.Fatal(err)
	}
	type result struct {
		code int
		body string
	}
	var write, read, newVisitor result
	func() {
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: 0, Max: saved.Max}); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &saved); err != nil {
				panic(err) // the process could not write anything more
			}
		}()
		write.code, write.body = a.get("set=cart&v=1")
		read.code, read.body = a.get("get=user")
		resp, err := http.Get(a.srv.URL + "/?set=user&v=mallory")
		if err == nil {
			newVisitor.code = resp.StatusCode
			resp.Body.Close()
		}
	}()

	if write.code != http.StatusServiceUnavailable {
		t.Errorf("write on a full disk: %d, want 503", write.code)
	}
	if read.code != http.StatusOK || read.body != "alice" {
		t.Errorf("read on a full disk: %d %q, want 200 alice", read.code, read.body)
	}
	if newVisitor.code != http.StatusServiceUnavailable {
		t.Errorf("new session on a full disk: %d, want 503", newVisitor.code)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Error("the stored session changed")
	}
	if names := dirNames(t, e.Dir()); len(names) != 1 || names[0] != id {
		t.Errorf("directory holds %v, want only the session (no temporary files)", names)
	}
	if !strings.Contains(a.logs.String(), "file too large") {
		t.Errorf("the log does not say what failed:\n%s", a.logs)
	}

	if code, _ := a.get("set=cart&v=1"); code != http.StatusOK {
		t.Fatalf("write after recovery: %d", code)
	}
	if code, body := a.get("get=cart"); code != http.StatusOK || body != "1" {
		t.Fatalf("after recovery cart = %d %q", code, body)
	}
}
