package storable_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/engines"
	"github.com/dancergo/dancergo/internal/e2e"
)

// TestLoginWithPerlFiles runs examples/login on the Storable engine and
// shares its session directory with Perl's Storable (what
// Dancer::Session::Storable is made of): Perl retrieves the sessions Go
// writes, Go serves the sessions Perl's nstore writes, a logout removes the
// file, and overlapping writes lose nothing.
func TestLoginWithPerlFiles(t *testing.T) {
	if !slices.Contains(engines.Names(), "Storable") {
		e2e.Need(t, "the Storable engine registered in engines/engines.go", fmt.Errorf("engines.Names() = %v", engines.Names()))
	}
	e2e.NeedPerlModules(t, "Storable", "JSON::PP")
	app := t.TempDir()
	cfg := filepath.Join(app, "config.yml")
	if err := os.WriteFile(cfg, []byte("session: Storable\nsession_dir: sessions\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(app, "sessions")
	gol := e2e.StartLogin(t, "-config", cfg)
	c := e2e.Client(t)

	// A Go login, retrieved by Perl.
	if r := e2e.Send(t, c, "POST", gol.URL+"/login", url.Values{"user": {"alice"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("POST /login: %d %q", r.Code, r.Body)
	}
	id := e2e.CookieValue(c, gol.URL, "dancer.session")
	if id == "" {
		t.Fatal("no dancer.session cookie")
	}
	file := filepath.Join(dir, "dancer.session_"+id+".stor")
	got := retrieve(t, file).(*perl.Object)
	if got.Class != "Dancer::Session::Storable" || got.Value.(map[string]any)["user"] != "alice" || got.Value.(map[string]any)["id"] != id {
		t.Errorf("Perl retrieves %v", got)
	}

	// Overlapping writes through the file lock.
	if missing := e2e.ConcurrentSet(t, c, gol.URL, 60); len(missing) > 0 {
		t.Errorf("%d of 60 concurrent writes lost: %v", len(missing), missing)
	}

	// A logout removes the file.
	if r := e2e.Send(t, c, "GET", gol.URL+"/logout", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("GET /logout: %d %q", r.Code, r.Body)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("session file after logout: %v", err)
	}

	// A session Perl wrote, served by Go.
	const perlID = "271828182845904523536028747135266249"
	out, err := exec.Command("perl", "testdata/nstore.pl", dir, "dancer.session", perlID).Output()
	if err != nil {
		t.Fatalf("nstore.pl: %v", err)
	}
	written, err := perl.UnmarshalJSON(out)
	if err != nil {
		t.Fatal(err)
	}
	e2e.SetCookie(c, gol.URL, "dancer.session", perlID)
	if r := e2e.Send(t, c, "GET", gol.URL+"/home", nil); r.Code != http.StatusOK || strings.TrimSpace(r.Body) != "Hello, alice" {
		t.Errorf("Go /home on Perl's session: %d %q", r.Code, r.Body)
	}
	goView := e2e.GetJSON(t, c, gol.URL+"/session")
	if want := written.(*perl.Object).Value; !perl.Equal(goView, want) {
		t.Errorf("Go serves\n %v\nPerl wrote\n %v", goView, want)
	}
}

func retrieve(t *testing.T, path string) any {
	t.Helper()
	cmd := exec.Command("perl", "testdata/retrieve.pl")
	cmd.Stdin = strings.NewReader(path + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("retrieve.pl: %v", err)
	}
	v, err := perl.UnmarshalJSON(out)
	if err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	return v
}
