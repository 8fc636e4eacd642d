package yaml_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/engines"
	"github.com/dancergo/dancergo/internal/e2e"
)

// The end-to-end tests run a Perl app under plackup and examples/login on
// one session directory and cookie name, and pass one browser (cookie jar)
// between them.

// needYAMLEngine fails (in CI) or skips when examples/login cannot open the
// YAML engine, that is when engines/engines.go does not list it.
func needYAMLEngine(t *testing.T) {
	t.Helper()
	if !slices.ContainsFunc(engines.Names(), func(n string) bool { return strings.EqualFold(n, "YAML") }) {
		e2e.Need(t, "the YAML engine in engines/engines.go", errors.New(`engines.Names() has no "YAML" (add {"YAML", yaml.Open})`))
	}
}

// pair is a Perl app and examples/login sharing sessions.
type pair struct {
	perl, golang *e2e.Process
	dir          string // the session directory
}

// startDancer1 runs testdata/d1app and examples/login on one config.yml.
func startDancer1(t *testing.T) pair {
	t.Helper()
	needYAMLEngine(t)
	e2e.NeedPerlModules(t, "Dancer", "YAML", "JSON::PP", "Plack")
	app := t.TempDir()
	dir := filepath.Join(app, "sessions")
	config := fmt.Sprintf("session: YAML\nsession_dir: %q\nsession_name: dancer.session\n", dir)
	if err := os.WriteFile(filepath.Join(app, "config.yml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	psgi, _ := filepath.Abs(filepath.Join("testdata", "d1app", "app.psgi"))
	return pair{
		perl:   e2e.StartPlackup(t, app, psgi, "DANCER_CONFDIR="+app),
		golang: e2e.StartLogin(t, "-config", filepath.Join(app, "config.yml")),
		dir:    dir,
	}
}

// startDancer2 runs testdata/d2app and examples/login with the dancer2
// flavour.
func startDancer2(t *testing.T) pair {
	t.Helper()
	needYAMLEngine(t)
	e2e.NeedPerlModules(t, "Dancer2", "YAML", "JSON::PP", "Plack")
	app := t.TempDir()
	dir := filepath.Join(app, "sessions")
	config := fmt.Sprintf("session: YAML\nsession_dir: %q\nsession_yaml_flavour: dancer2\n", dir)
	if err := os.WriteFile(filepath.Join(app, "config.yml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	psgi, _ := filepath.Abs(filepath.Join("testdata", "d2app", "app.psgi"))
	return pair{
		perl:   e2e.StartPlackup(t, app, psgi, "SESSION_DIR="+dir),
		golang: e2e.StartLogin(t, "-config", filepath.Join(app, "config.yml")),
		dir:    dir,
	}
}

// withCookie is a client that sends only this session cookie.
func withCookie(t *testing.T, base, value string) *http.Client {
	t.Helper()
	c := e2e.Client(t)
	e2e.SetCookie(c, base, "dancer.session", value)
	return c
}

// sessionCookie returns the session id the client holds for base.
func sessionCookie(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	id := e2e.CookieValue(c, base, "dancer.session")
	if id == "" {
		t.Fatal("no session cookie")
	}
	return id
}

func loggedInAs(t *testing.T, c *http.Client, base, user string) {
	t.Helper()
	r := e2e.Send(t, c, "GET", base+"/home", nil)
	if r.Code != 200 || r.Body != "Hello, "+user+"\n" {
		t.Fatalf("GET %s/home = %d %q (Location %q), want Hello, %s", base, r.Code, r.Body, r.Location(), user)
	}
}

func loggedOut(t *testing.T, c *http.Client, base string) {
	t.Helper()
	r := e2e.Send(t, c, "GET", base+"/home", nil)
	if r.Code/100 != 3 || !strings.HasSuffix(r.Location(), "/login") {
		t.Fatalf("GET %s/home = %d %q, want a redirect to /login", base, r.Code, r.Body)
	}
}

func login(t *testing.T, c *http.Client, base, user string) {
	t.Helper()
	if r := e2e.Send(t, c, "POST", base+"/login", url.Values{"user": {user}}); r.Code/100 != 3 {
		t.Fatalf("POST %s/login = %d %q", base, r.Code, r.Body)
	}
}

func TestDancer1LoginBothWays(t *testing.T) {
	p := startDancer1(t)

	perlUser := e2e.Client(t)
	login(t, perlUser, p.perl.URL, "alice")
	loggedInAs(t, perlUser, p.golang.URL, "alice")

	goUser := e2e.Client(t)
	login(t, goUser, p.golang.URL, "bob")
	if id := sessionCookie(t, goUser, p.golang.URL); len(id) != 40 {
		t.Errorf("Go's id %q is not 40 digits", id)
	}
	loggedInAs(t, goUser, p.perl.URL, "bob")
}

// TestDancer1ValuesSurviveGo: values of every kind that Perl set are
// exactly what Perl saw before, after Go changed another key.
func TestDancer1ValuesSurviveGo(t *testing.T) {
	p := startDancer1(t)
	c := e2e.Client(t)
	login(t, c, p.perl.URL, "alice")
	if r := e2e.Send(t, c, "POST", p.perl.URL+"/kinds", url.Values{}); r.Code != 200 {
		t.Fatalf("POST /kinds = %d %q", r.Code, r.Body)
	}
	before := e2e.GetJSON(t, c, p.perl.URL+"/session")
	fileBefore := e2e.GetJSON(t, c, p.perl.URL+"/file")
	path := filepath.Join(p.dir, sessionCookie(t, c, p.perl.URL)+".yml")
	perlBytes := readFile(t, path)

	if r := e2e.Send(t, c, "POST", p.golang.URL+"/session", url.Values{"go_key": {"set by Go ☺"}}); r.Code != 200 {
		t.Fatalf("Go POST /session = %d %q", r.Code, r.Body)
	}
	// Go rewrote Perl's file byte for byte, plus its own key.
	if goBytes := readFile(t, path); strings.Replace(goBytes, "go_key: set by Go ☺\n", "", 1) != perlBytes {
		t.Errorf("Go's rewrite of Perl's file differs beyond go_key:\n%s\nPerl wrote:\n%s", goBytes, perlBytes)
	}

	after := e2e.GetJSON(t, c, p.perl.URL+"/session")
	if after["go_key"] != "set by Go ☺" {
		t.Errorf("Perl sees go_key = %#v", after["go_key"])
	}
	delete(after, "go_key")
	if !perl.Equal(after, before) {
		t.Errorf("Perl's session changed under a Go write:\nbefore %s\nafter  %s", js(before), js(after))
	}
	// What the file holds, read with $YAML::LoadBlessed: blessed objects
	// keep their class through Go's read-modify-write.
	fileAfter := e2e.GetJSON(t, c, p.perl.URL+"/file")
	delete(fileAfter["data"].(map[string]any), "go_key")
	if !perl.Equal(fileAfter, fileBefore) {
		t.Errorf("the session file changed under a Go write:\nbefore %s\nafter  %s", js(fileBefore), js(fileAfter))
	}
	data := fileAfter["data"].(map[string]any)
	if o, ok := data["object"].(*perl.Object); !ok || o.Class != "My::Thing" || fileAfter["class"] != "Dancer::Session::YAML" {
		t.Errorf("classes lost: %s", js(fileAfter))
	}
	for key, want := range map[string]any{
		"utf8": "caf\u00e9 \u263a \u65e5\u672c \u2028\u0085", "multi": "line one\nline two\n  indented line three\n\n",
		"nothing": nil, "control": "tab\there\x01", "padded": "  padded  ", "number": "42",
	} {
		if got, ok := after[key]; !ok || !perl.Equal(got, want) {
			t.Errorf("Perl sees %s = %#v, want %#v", key, got, want)
		}
	}
	// And Go sees them too.
	goView := e2e.GetJSON(t, c, p.golang.URL+"/session")
	if o, ok := goView["object"].(*perl.Object); !ok || o.Class != "My::Thing" || goView["utf8"] != after["utf8"] {
		t.Errorf("Go sees %s", js(goView))
	}
}

// TestDancer1OverwritesAConcurrentGoWrite shows what dancergo cannot
// guarantee against Perl: Dancer 1 loads a session once per request and
// writes all of it back, taking no lock, so a key Go set while a Perl
// request was running is gone once Perl writes (last writer wins, as
// between two Perl requests). Go's own merge keeps Perl's keys the other
// way round (TestDancer1ValuesSurviveGo).
func TestDancer1OverwritesAConcurrentGoWrite(t *testing.T) {
	p := startDancer1(t)
	c := e2e.Client(t)
	login(t, c, p.perl.URL, "alice")
	syncDir := t.TempDir()
	perlDone := make(chan error, 1)
	go func() {
		resp, err := c.PostForm(p.perl.URL+"/slow", url.Values{"sync": {syncDir}})
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != 200 {
				err = fmt.Errorf("status %d", resp.StatusCode)
			}
		}
		perlDone <- err
	}()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(syncDir, "loaded")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the Perl request did not load the session within 20s")
		}
	}
	if r := e2e.Send(t, c, "POST", p.golang.URL+"/session", url.Values{"go_key": {"set by Go"}}); r.Code != 200 {
		t.Fatalf("Go POST /session = %d %q", r.Code, r.Body)
	}
	if got := e2e.GetJSON(t, c, p.golang.URL+"/session"); got["go_key"] != "set by Go" {
		t.Fatalf("Go's write is not there before Perl writes: %v", got)
	}
	if err := os.WriteFile(filepath.Join(syncDir, "go"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := <-perlDone; err != nil {
		t.Fatalf("Perl POST /slow: %v", err)
	}
	got := e2e.GetJSON(t, c, p.golang.URL+"/session")
	if got["perl_key"] != "set by Perl" || got["user"] != "alice" {
		t.Fatalf("after Perl's write: %v", got)
	}
	if _, kept := got["go_key"]; kept {
		t.Fatalf("Go's key survived Perl's write: %v (if Dancer now merges, update docs/reliability.md)", got)
	}
}

func TestDancer1DestroyBothWays(t *testing.T) {
	p := startDancer1(t)

	// Go logs out a session Perl made: Perl, shown the old cookie, has no
	// session for it.
	c := e2e.Client(t)
	login(t, c, p.perl.URL, "alice")
	id := sessionCookie(t, c, p.perl.URL)
	if r := e2e.Send(t, c, "GET", p.golang.URL+"/logout", nil); r.Code/100 != 3 {
		t.Fatalf("Go /logout = %d", r.Code)
	}
	if _, err := os.Stat(filepath.Join(p.dir, id+".yml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("session file after Go's logout: %v", err)
	}
	loggedOut(t, withCookie(t, p.perl.URL, id), p.perl.URL)

	// Perl logs out a session Go made (Dancer 1 keeps the cookie).
	c = e2e.Client(t)
	login(t, c, p.golang.URL, "bob")
	loggedInAs(t, c, p.perl.URL, "bob")
	if r := e2e.Send(t, c, "GET", p.perl.URL+"/logout", nil); r.Code/100 != 3 {
		t.Fatalf("Perl /logout = %d", r.Code)
	}
	loggedOut(t, c, p.golang.URL)
}

func TestDancer2LoginBothWays(t *testing.T) {
	p := startDancer2(t)

	perlUser := e2e.Client(t)
	login(t, perlUser, p.perl.URL, "alice")
	loggedInAs(t, perlUser, p.golang.URL, "alice")

	goUser := e2e.Client(t)
	login(t, goUser, p.golang.URL, "bob")
	id := sessionCookie(t, goUser, p.golang.URL)
	if len(id) != 32 {
		t.Errorf("Go's id %q is not Dancer2's shape", id)
	}
	loggedInAs(t, goUser, p.perl.URL, "bob")
	text, err := os.ReadFile(filepath.Join(p.dir, id+".yml"))
	if err != nil || !strings.HasPrefix(string(text), "---\n") || strings.Contains(string(text), "\nid:") {
		t.Errorf("Go's Dancer2 file = %q, %v", text, err)
	}
}

func TestDancer2ValuesSurviveGo(t *testing.T) {
	p := startDancer2(t)
	c := e2e.Client(t)
	login(t, c, p.perl.URL, "alice")
	if r := e2e.Send(t, c, "POST", p.perl.URL+"/kinds", url.Values{}); r.Code != 200 {
		t.Fatalf("POST /kinds = %d %q", r.Code, r.Body)
	}
	before := e2e.GetJSON(t, c, p.perl.URL+"/session")
	if r := e2e.Send(t, c, "POST", p.golang.URL+"/session", url.Values{"go_key": {"set by Go"}}); r.Code != 200 {
		t.Fatalf("Go POST /session = %d %q", r.Code, r.Body)
	}
	after := e2e.GetJSON(t, c, p.perl.URL+"/session")
	if after["go_key"] != "set by Go" {
		t.Errorf("Dancer2 sees go_key = %#v", after["go_key"])
	}
	delete(after, "go_key")
	if !perl.Equal(after, before) {
		t.Errorf("Dancer2's session changed under a Go write:\nbefore %s\nafter  %s", js(before), js(after))
	}
	for key, class := range map[string]string{"object": "My::Thing", "list_object": "My::List"} {
		if o, ok := after[key].(*perl.Object); !ok || o.Class != class {
			t.Errorf("Dancer2 sees %s = %s, want a %s", key, js(after[key]), class)
		}
	}
	if r, ok := after["scalar_ref"].(*perl.Ref); !ok || r.Value != "pointed at" {
		t.Errorf("Dancer2 sees scalar_ref = %s", js(after["scalar_ref"]))
	}
}

func TestDancer2DestroyBothWays(t *testing.T) {
	p := startDancer2(t)

	c := e2e.Client(t)
	login(t, c, p.perl.URL, "alice")
	id := sessionCookie(t, c, p.perl.URL)
	e2e.Send(t, c, "GET", p.golang.URL+"/logout", nil)
	if _, err := os.Stat(filepath.Join(p.dir, id+".yml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("session file after Go's logout: %v", err)
	}
	loggedOut(t, withCookie(t, p.perl.URL, id), p.perl.URL)

	c = e2e.Client(t)
	login(t, c, p.golang.URL, "bob")
	id = sessionCookie(t, c, p.golang.URL)
	loggedInAs(t, c, p.perl.URL, "bob")
	e2e.Send(t, c, "GET", p.perl.URL+"/logout", nil)
	loggedOut(t, withCookie(t, p.golang.URL, id), p.golang.URL)
}

func js(v any) string {
	b, err := json.Marshal(perl.ToJSONValue(v))
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}
