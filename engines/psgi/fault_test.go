package psgi_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/engines/psgi"
	"github.com/dancergo/dancergo/internal/faulttest"
)

func TestCorruptSessionThroughTheAdapter(t *testing.T) {
	e := newEngine(t)
	app := faulttest.NewApp(t, e)
	v := app.Visitor()
	v.Get("set=user&v=alice")
	id := v.SessionID()
	path := filepath.Join(e.Dir(), id)
	if err := os.WriteFile(path, []byte("pst0 garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, body := v.Get("get=user"); code != http.StatusOK || body != "" {
		t.Fatalf("a corrupt session: %d %q, want 200 and a fresh session", code, body)
	}
	// Logs name a session by the first four characters of its id.
	if !strings.Contains(app.Logs(), "cannot be decoded") || !strings.Contains(app.Logs(), id[:4]+"…") {
		t.Fatalf("no log line naming the corrupt session:\n%s", app.Logs())
	}
	v.Get("set=user&v=bob")
	if v.SessionID() == id {
		t.Fatal("kept writing to the corrupt session's id")
	}
	if b, _ := os.ReadFile(path); string(b) != "pst0 garbage" {
		t.Fatal("the corrupt file was not kept for inspection")
	}
}

// TestDiskFaults: the session directory replaced by a file, and writes
// failing as on a full disk, under a running service (see faulttest.DiskFaults).
func TestDiskFaults(t *testing.T) {
	faulttest.DiskFaults(t, func(t testing.TB, dir string) adapter.Engine {
		e, err := psgi.New(psgi.Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return e
	})
}
