package psgi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/internal/e2e"
)

// pair is the Plack app of testdata/app.psgi and examples/login, both on one
// session directory with the plack_session cookie.
type pair struct {
	dir        string
	perl, goes *e2e.Process
}

func startPair(t *testing.T) *pair {
	t.Helper()
	needPerl(t)
	dir := t.TempDir()
	app, err := filepath.Abs(filepath.Join("testdata", "app.psgi"))
	if err != nil {
		t.Fatal(err)
	}
	appDir := t.TempDir()
	cfg := filepath.Join(appDir, "config.yml")
	if err := os.WriteFile(cfg, []byte("session: PSGI\npsgi_session_dir: "+dir+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return &pair{
		dir:  dir,
		perl: e2e.StartPlackup(t, appDir, app, "PSGI_SESSION_DIR="+dir),
		goes: e2e.StartLogin(t, "-config", cfg),
	}
}

// jsonView decodes a JSON document keeping numbers as written, so two
// views compare exactly.
func jsonView(t *testing.T, s string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, s)
	}
	return m
}

func TestPerlLoginSeenByGo(t *testing.T) {
	p := startPair(t)
	c := e2e.Client(t)
	if r := e2e.Send(t, c, "GET", p.perl.URL+"/login?user=alice", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("Perl login: %d %s", r.Code, r.Body)
	}
	id := e2e.CookieValue(c, p.perl.URL, "plack_session")
	if r := e2e.Send(t, c, "GET", p.goes.URL+"/home", nil); r.Body != "Hello, alice\n" {
		t.Fatalf("Go /home after a Perl login: %d %q", r.Code, r.Body)
	}
	view := jsonView(t, e2e.Send(t, c, "GET", p.goes.URL+"/session", nil).Body)
	if view["user"] != "alice" || view["id"] != id {
		t.Fatalf("Go sees %v; want user alice, id %s", view, id)
	}

	// A logout in Perl is a logout in Go, even for a client that kept the
	// old cookie.
	if r := e2e.Send(t, c, "GET", p.perl.URL+"/logout", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("Perl logout: %d", r.Code)
	}
	e2e.SetCookie(c, p.goes.URL, "plack_session", id) // the cookie Perl logged out
	if r := e2e.Send(t, c, "GET", p.goes.URL+"/home", nil); r.Code != http.StatusSeeOther || r.Location() != "/login" {
		t.Fatalf("Go /home with the cookie Perl logged out: %d %q %q", r.Code, r.Location(), r.Body)
	}
}

func TestGoLoginSeenByPerl(t *testing.T) {
	p := startPair(t)
	c := e2e.Client(t)
	if r := e2e.Send(t, c, "POST", p.goes.URL+"/login", url.Values{"user": {"bob"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("Go login: %d %s", r.Code, r.Body)
	}
	id := e2e.CookieValue(c, p.goes.URL, "plack_session")
	if len(id) != 40 {
		t.Fatalf("Go gave cookie %q, want 40 hex digits", id)
	}
	if r := e2e.Send(t, c, "GET", p.perl.URL+"/home", nil); r.Body != "Hello, bob\n" {
		t.Fatalf("Perl /home after a Go login: %d %q", r.Code, r.Body)
	}
	// Perl's answer carries the same session: Plack found Go's file.
	view := jsonView(t, e2e.Send(t, c, "GET", p.perl.URL+"/session", nil).Body)
	if view["user"] != "bob" {
		t.Fatalf("Perl sees %v", view)
	}
	if _, ok := view["id"]; ok {
		t.Errorf(`Go wrote an "id" key into a Plack session: %v`, view)
	}

	if r := e2e.Send(t, c, "GET", p.goes.URL+"/logout", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("Go logout: %d", r.Code)
	}
	if _, err := os.Stat(filepath.Join(p.dir, id)); !os.IsNotExist(err) {
		t.Fatalf("session file after a Go logout: %v", err)
	}
	e2e.SetCookie(c, p.perl.URL, "plack_session", id) // the cookie Go logged out
	if r := e2e.Send(t, c, "GET", p.perl.URL+"/home", nil); r.Code != http.StatusSeeOther || r.Location() != "/login" {
		t.Fatalf("Perl /home with the cookie Go logged out: %d %q %q", r.Code, r.Location(), r.Body)
	}
}

// TestEveryKindOfValueSurvivesAGoWrite has Perl store values of every kind,
// Go change another key, and checks that Perl sees its values exactly as
// before, and that Go saw them as the value model says.
func TestEveryKindOfValueSurvivesAGoWrite(t *testing.T) {
	p := startPair(t)
	c := e2e.Client(t)
	if r := e2e.Send(t, c, "GET", p.perl.URL+"/set/all", nil); r.Code != http.StatusOK {
		t.Fatalf("Perl /set/all: %d %s", r.Code, r.Body)
	}
	id := e2e.CookieValue(c, p.perl.URL, "plack_session")
	before := e2e.Send(t, c, "GET", p.perl.URL+"/session", nil).Body

	// Go reads what Perl stored: its JSON form of the model is Perl's.
	goView := e2e.Send(t, c, "GET", p.goes.URL+"/session", nil).Body
	want, _ := perl.UnmarshalJSON([]byte(before))
	got, err := perl.UnmarshalJSON([]byte(goView))
	if err != nil {
		t.Fatal(err)
	}
	gotMap := got.(map[string]any)
	if gotMap["id"] != id {
		t.Errorf("Go's id = %v, want %s", gotMap["id"], id)
	}
	delete(gotMap, "id")
	if !perl.Equal(gotMap, want) {
		t.Errorf("Go reads\n%s\nPerl has\n%s", goView, before)
	}

	if r := e2e.Send(t, c, "POST", p.goes.URL+"/session", url.Values{"from_go": {"Grüße"}}); r.Code != http.StatusOK {
		t.Fatalf("Go POST /session: %d %s", r.Code, r.Body)
	}
	if e2e.CookieValue(c, p.goes.URL, "plack_session") != id {
		t.Fatal("Go's write changed the session id")
	}
	after := jsonView(t, e2e.Send(t, c, "GET", p.perl.URL+"/session", nil).Body)
	if after["from_go"] != "Grüße" {
		t.Errorf("Perl sees from_go = %#v", after["from_go"])
	}
	delete(after, "from_go")
	if beforeView := jsonView(t, before); !reflect.DeepEqual(after, beforeView) {
		for k := range beforeView {
			if !reflect.DeepEqual(after[k], beforeView[k]) {
				t.Errorf("%s: Perl had %#v, after Go's write %#v", k, beforeView[k], after[k])
			}
		}
		for k := range after {
			if _, ok := beforeView[k]; !ok {
				t.Errorf("%s appeared: %#v", k, after[k])
			}
		}
	}

	// And Perl's next write keeps Go's key.
	e2e.Send(t, c, "GET", p.perl.URL+"/set?from_perl=1", nil)
	view := jsonView(t, e2e.Send(t, c, "GET", p.goes.URL+"/session", nil).Body)
	if view["from_go"] != "Grüße" || view["from_perl"] != "1" {
		t.Errorf("Go sees from_go %#v, from_perl %#v", view["from_go"], view["from_perl"])
	}
}

// TestConcurrentGoWritesOnAPerlSession sends 50 overlapping Go requests on a
// session Perl made; every key must be there, for Go and for Perl, and the
// files must all be ours (mode 0600, no temporary file left).
func TestConcurrentGoWritesOnAPerlSession(t *testing.T) {
	p := startPair(t)
	c := e2e.Client(t)
	e2e.Send(t, c, "GET", p.perl.URL+"/login?user=carol", nil)
	if missing := e2e.ConcurrentSet(t, c, p.goes.URL, 50); len(missing) > 0 {
		t.Fatalf("lost %d of 50 concurrent writes: %v", len(missing), missing)
	}
	view := jsonView(t, e2e.Send(t, c, "GET", p.perl.URL+"/session", nil).Body)
	for i := range 50 {
		if view[fmt.Sprintf("k%d", i)] != fmt.Sprintf("v%d", i) {
			t.Errorf("Perl does not see k%d", i)
		}
	}
	if view["user"] != "carol" {
		t.Errorf("user = %v", view["user"])
	}
	entries, err := os.ReadDir(p.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range entries {
		if strings.HasPrefix(de.Name(), ".") {
			t.Errorf("temporary file left: %s", de.Name())
		}
	}
}

// TestPerlReadsWhatGoWrote checks the bytes: Perl's own Storable reads the
// file Go wrote, under lock_retrieve, as a plain hash.
func TestPerlReadsWhatGoWrote(t *testing.T) {
	p := startPair(t)
	c := e2e.Client(t)
	e2e.Send(t, c, "POST", p.goes.URL+"/session", url.Values{"k": {"v"}})
	id := e2e.CookieValue(c, p.goes.URL, "plack_session")
	out, err := runPerl(t, `use Storable qw(lock_retrieve); my $h = lock_retrieve($ARGV[0]); print ref($h), " ", join(",", map {"$_=$h->{$_}"} sort keys %$h), "\n"`, filepath.Join(p.dir, id))
	if err != nil {
		t.Fatal(err)
	}
	if out != "HASH k=v\n" {
		t.Fatalf("Perl's lock_retrieve reads %q", out)
	}
}

func runPerl(t *testing.T, script string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("perl", append([]string{"-e", script}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("perl: %w: %s", err, stderr.String())
	}
	return string(out), nil
}
