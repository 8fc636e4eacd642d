package faulttest

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/internal/e2e"
)

// DiskFaults breaks the session directory of a file engine under a running
// App, in the two ways a disk fails a live service, and checks what
// visitors and operators see:
//
//   - the directory replaced by a file: every open and create fails
//     (ENOTDIR), reads as well as writes;
//   - writes failing as on a full disk (see e2e.DiskFull): reads still work.
//
// Each request that needs what the store cannot do is answered a clean 503
// (Retry-After, a plain body with nothing of the session in it, no cookie),
// with exactly one log line saying why; requests that do not need it are
// answered as usual; no handler panics. The sessions stored before are
// neither lost nor changed and no temporary file is left behind. Once the
// directory is mended the same sessions work again, with no restart.
//
// open returns an engine on dir, which exists; it is called once per case.
// Cases run one after the other: e2e.DiskFull limits the whole process.
func DiskFaults(t *testing.T, open func(t testing.TB, dir string) adapter.Engine) {
	for _, fault := range []struct {
		name  string
		cause string // what each log line must say
		// during breaks dir, runs fn, and mends dir.
		during func(t *testing.T, dir string, fn func())
		// status of each request while broken; a request without one
		// is not made
		want map[string]int
	}{
		{
			name:  "directory replaced by a file",
			cause: "not a directory",
			during: func(t *testing.T, dir string, fn func()) {
				restore := e2e.ReplaceDirWithFile(t, dir)
				fn()
				restore()
			},
			want: map[string]int{"read": 503, "write": 503, "new session": 503, "logout": 503, "no session use": 200},
		},
		{
			name:  "disk full",
			cause: "file too large",
			during: func(t *testing.T, _ string, fn func()) {
				e2e.DiskFull(t, fn)
			},
			// A logout only removes a file, which a full disk allows.
			want: map[string]int{"read": 200, "write": 503, "new session": 503, "no session use": 200},
		},
	} {
		t.Run(fault.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "sessions")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			app := NewApp(t, open(t, dir))
			alice, bob := app.Visitor(), app.Visitor()
			for _, login := range []struct {
				v    *Visitor
				name string
			}{{alice, "alice"}, {bob, "bob"}} {
				if code, _ := login.v.Get("set=user&v=" + login.name); code != http.StatusOK {
					t.Fatalf("login %s: %d", login.name, code)
				}
			}
			aliceID := alice.SessionID()
			before := e2e.Files(t, dir)
			if len(before) != 2 {
				t.Fatalf("%d files for two sessions: %v", len(before), before)
			}

			requests := []struct {
				name  string
				v     *Visitor
				query string
			}{
				{"read", alice, "get=user"},
				{"write", alice, "set=cart&v=1"},
				{"new session", app.Visitor(), "set=user&v=mallory"},
				{"logout", bob, "destroy"},
				{"no session use", alice, ""},
			}
			got := map[string]Response{}
			fault.during(t, dir, func() {
				for _, r := range requests {
					if _, ok := fault.want[r.name]; ok {
						got[r.name] = r.v.Do(r.query)
					}
				}
			})

			failed := 0
			for _, r := range requests {
				want, ok := fault.want[r.name]
				if !ok {
					continue
				}
				resp := got[r.name]
				switch {
				case resp.Err != nil:
					t.Errorf("%s: %v (a panic in the handler?)", r.name, resp.Err)
				case resp.Code != want:
					t.Errorf("%s: %s, want %d", r.name, resp, want)
				case want == http.StatusServiceUnavailable:
					failed++
					if resp.Header.Get("Retry-After") == "" || resp.Header.Get("Set-Cookie") != "" ||
						strings.Contains(resp.Body, "alice") || strings.Contains(resp.Body, "bob") {
						t.Errorf("%s: not a clean 503: %s %v", r.name, resp, resp.Header)
					}
				case r.name == "read" && resp.Body != "alice":
					t.Errorf("read: %s, want alice", resp)
				}
			}
			lines := app.LogLines()
			if len(lines) != failed {
				t.Errorf("%d log lines for %d failed requests:\n%s", len(lines), failed, app.Logs())
			}
			for _, line := range lines {
				if !strings.Contains(line, "session store failed") || !strings.Contains(line, fault.cause) {
					t.Errorf("log line does not say the store failed with %q: %s", fault.cause, line)
				}
			}
			if diff := e2e.DiffFiles(before, e2e.Files(t, dir)); diff != nil {
				t.Errorf("the session directory changed: %v", diff)
			}

			// Mended: the same sessions, read and written, no restart.
			for _, step := range []struct {
				v           *Visitor
				query, body string
			}{
				{alice, "get=user", "alice"},
				{alice, "set=cart&v=1", ""},
				{alice, "get=cart", "1"},
				{bob, "get=user", "bob"},
				{app.Visitor(), "set=user&v=carol", ""},
				{bob, "destroy", ""},
				{bob, "get=user", ""},
			} {
				if code, body := step.v.Get(step.query); code != http.StatusOK || body != step.body {
					t.Fatalf("after the fault, %s: %d %q, want 200 %q", step.query, code, body, step.body)
				}
			}
			if alice.SessionID() != aliceID {
				t.Error("after the fault, alice has a new session")
			}
			if n := len(app.LogLines()); n != failed {
				t.Errorf("more log lines after the fault:\n%s", app.Logs())
			}
		})
	}
}
