package cookie

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/internal/e2e"
)

// apps is a Dancer 1 app on Dancer::Session::Cookie under plackup and
// examples/login, both configured by one config.yml with a fresh
// session_cookie_key.
type apps struct {
	perl, goURL string
	config      string
}

func startApps(t *testing.T, extraConfig string) apps {
	t.Helper()
	e2e.NeedPerlModules(t, "Dancer", "Dancer::Session::Cookie", "JSON::PP")
	e2e.NeedCommand(t, "plackup")
	key := make([]byte, 24)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	config := filepath.Join(dir, "config.yml")
	yml := "session: \"cookie\"\nsession_cookie_key: \"" + hex.EncodeToString(key) + "\"\n" + extraConfig
	if err := os.WriteFile(config, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	psgi, err := filepath.Abs(filepath.Join("testdata", "app.psgi"))
	if err != nil {
		t.Fatal(err)
	}
	p := e2e.StartPlackup(t, dir, psgi)
	g := e2e.StartLogin(t, "-config", config)
	return apps{perl: p.URL, goURL: g.URL, config: config}
}

func TestPerlE2ELogin(t *testing.T) {
	a := startApps(t, "")
	tests := []struct {
		name, loginAt, homeAt string
	}{
		{"login in Perl, home in Go", a.perl, a.goURL},
		{"login in Go, home in Perl", a.goURL, a.perl},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := e2e.Client(t)
			if r := e2e.Send(t, c, http.MethodPost, tc.loginAt+"/login", url.Values{"user": {"alice"}}); r.Code != http.StatusFound && r.Code != http.StatusSeeOther {
				t.Fatalf("login: %d %s", r.Code, r.Body)
			}
			if e2e.CookieValue(c, tc.loginAt, "dancer.session") == "" {
				t.Fatal("no session cookie after login")
			}
			if r := e2e.Send(t, c, http.MethodGet, tc.homeAt+"/home", nil); r.Code != http.StatusOK || r.Body != "Hello, alice\n" {
				t.Fatalf("home: %d %q", r.Code, r.Body)
			}
			// Logging out on either side ends the session on both.
			if r := e2e.Send(t, c, http.MethodGet, tc.homeAt+"/logout", nil); r.Code != http.StatusFound && r.Code != http.StatusSeeOther {
				t.Fatalf("logout: %d", r.Code)
			}
			for _, base := range []string{a.perl, a.goURL} {
				if r := e2e.Send(t, c, http.MethodGet, base+"/home", nil); r.Code == http.StatusOK {
					t.Errorf("%s/home after logout: %d %q", base, r.Code, r.Body)
				}
			}
		})
	}
}

// TestPerlE2EValues stores values of every kind in Perl, reads them in Go,
// changes another key in Go and checks that Perl sees everything as it was,
// down to which strings are bytes and which are characters.
func TestPerlE2EValues(t *testing.T) {
	a := startApps(t, "")
	for _, route := range []string{"/set/kinds", "/set/large"} {
		t.Run(route, func(t *testing.T) {
			c := e2e.Client(t)
			set := e2e.GetJSON(t, c, a.perl+route)
			perlView := e2e.GetJSON(t, c, a.perl+"/session")
			if !perl.Equal(set, perlView) {
				t.Fatalf("Perl reads back\n%v\nafter setting\n%v", perlView, set)
			}
			flags := e2e.GetJSON(t, c, a.perl+"/utf8")
			if route == "/set/large" {
				// Perl compressed the session (its body is over 1024 bytes):
				// the cookie is shorter than the data it holds.
				if n := len(e2e.CookieValue(c, a.perl, "dancer.session")); n == 0 || n > 3000 {
					t.Fatalf("Perl's cookie is %d bytes; Snappy should keep it under 3000", n)
				}
			}

			goView := e2e.GetJSON(t, c, a.goURL+"/session")
			if !perl.Equal(goView, perlView) {
				t.Fatalf("Go reads\n%v\nPerl has\n%v", goView, perlView)
			}
			if r := e2e.Send(t, c, http.MethodPost, a.goURL+"/session", url.Values{"go_key": {"set by Go ☺"}}); r.Code != http.StatusOK {
				t.Fatalf("POST /session in Go: %d %s", r.Code, r.Body)
			}
			if route == "/set/large" {
				// Uncompressed, this session would not fit in a cookie at all.
				if n := len(e2e.CookieValue(c, a.goURL, "dancer.session")); n == 0 || n > 3000 {
					t.Fatalf("Go's cookie is %d bytes; Snappy should keep it under 3000", n)
				}
			}
			want := map[string]any{"go_key": "set by Go ☺"}
			for k, v := range perlView {
				want[k] = v
			}
			if after := e2e.GetJSON(t, c, a.perl+"/session"); !perl.Equal(after, want) {
				t.Fatalf("after Go's write Perl reads\n%v\nwant\n%v", after, want)
			}
			afterFlags := e2e.GetJSON(t, c, a.perl+"/utf8")
			for k, v := range flags {
				if afterFlags[k] != v {
					t.Errorf("Perl's UTF-8 flag of %q: %v before Go's write, %v after", k, v, afterFlags[k])
				}
			}
			if afterFlags["go_key"] != int64(1) {
				t.Errorf("Go's non-Latin-1 string should reach Perl as characters: %v", afterFlags)
			}
		})
	}
}

// TestPerlE2EExpiry: with session_expires, both sides write cookies whose
// payload expiry the other accepts, and a tampered cookie is a fresh
// session on both.
func TestPerlE2EExpiry(t *testing.T) {
	a := startApps(t, "session_expires: \"2 hours\"\n")
	c := e2e.Client(t)
	e2e.Send(t, c, http.MethodPost, a.goURL+"/login", url.Values{"user": {"dave"}})
	token := e2e.CookieValue(c, a.goURL, "dancer.session")
	if parts := strings.Split(token, "~"); len(parts) != 5 || parts[1] == "" {
		t.Fatalf("Go's cookie %q has no expiry field", token)
	}
	if r := e2e.Send(t, c, http.MethodGet, a.perl+"/home", nil); r.Code != http.StatusOK || r.Body != "Hello, dave\n" {
		t.Fatalf("Perl home: %d %q", r.Code, r.Body)
	}

	tampered := e2e.Client(t)
	b := []byte(token)
	i := strings.LastIndexByte(token, '~') - 10
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	e2e.SetCookie(tampered, a.goURL, "dancer.session", string(b))
	for _, base := range []string{a.goURL, a.perl} {
		if r := e2e.Send(t, tampered, http.MethodGet, base+"/home", nil); r.Code == http.StatusOK {
			t.Errorf("%s accepted a tampered cookie: %q", base, r.Body)
		}
	}
}
