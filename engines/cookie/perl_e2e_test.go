package cookie

import (
	"crypto/rand"
	"encoding/hex"
	"io"
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

// do sends a request and returns the status and body.
func do(t *testing.T, c *http.Client, method, u string, form url.Values) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// session returns an app's GET /session (or another route answering a
// session as JSON) in the value model.
func session(t *testing.T, c *http.Client, u string) map[string]any {
	t.Helper()
	code, body := do(t, c, http.MethodGet, u, nil)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, code, body)
	}
	v, err := perl.UnmarshalJSON([]byte(body))
	if err != nil {
		t.Fatalf("GET %s: %v in %q", u, err, body)
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("GET %s: not a hash: %s", u, body)
	}
	return m
}

func cookieValue(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "dancer.session" {
			return ck.Value
		}
	}
	return ""
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
			if code, body := do(t, c, http.MethodPost, tc.loginAt+"/login", url.Values{"user": {"alice"}}); code != http.StatusFound && code != http.StatusSeeOther {
				t.Fatalf("login: %d %s", code, body)
			}
			if cookieValue(t, c, tc.loginAt) == "" {
				t.Fatal("no session cookie after login")
			}
			if code, body := do(t, c, http.MethodGet, tc.homeAt+"/home", nil); code != http.StatusOK || body != "Hello, alice\n" {
				t.Fatalf("home: %d %q", code, body)
			}
			// Logging out on either side ends the session on both.
			if code, _ := do(t, c, http.MethodGet, tc.homeAt+"/logout", nil); code != http.StatusFound && code != http.StatusSeeOther {
				t.Fatalf("logout: %d", code)
			}
			for _, base := range []string{a.perl, a.goURL} {
				if code, body := do(t, c, http.MethodGet, base+"/home", nil); code == http.StatusOK {
					t.Errorf("%s/home after logout: %d %q", base, code, body)
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
			set := session(t, c, a.perl+route)
			perlView := session(t, c, a.perl+"/session")
			if !perl.Equal(set, perlView) {
				t.Fatalf("Perl reads back\n%v\nafter setting\n%v", perlView, set)
			}
			flags := session(t, c, a.perl+"/utf8")
			if route == "/set/large" {
				// Perl compressed the session (its body is over 1024 bytes):
				// the cookie is shorter than the data it holds.
				if n := len(cookieValue(t, c, a.perl)); n == 0 || n > 3000 {
					t.Fatalf("Perl's cookie is %d bytes; Snappy should keep it under 3000", n)
				}
			}

			goView := session(t, c, a.goURL+"/session")
			if !perl.Equal(goView, perlView) {
				t.Fatalf("Go reads\n%v\nPerl has\n%v", goView, perlView)
			}
			code, body := do(t, c, http.MethodPost, a.goURL+"/session", url.Values{"go_key": {"set by Go ☺"}})
			if code != http.StatusOK {
				t.Fatalf("POST /session in Go: %d %s", code, body)
			}
			if route == "/set/large" {
				// Uncompressed, this session would not fit in a cookie at all.
				if n := len(cookieValue(t, c, a.goURL)); n == 0 || n > 3000 {
					t.Fatalf("Go's cookie is %d bytes; Snappy should keep it under 3000", n)
				}
			}
			want := map[string]any{"go_key": "set by Go ☺"}
			for k, v := range perlView {
				want[k] = v
			}
			if after := session(t, c, a.perl+"/session"); !perl.Equal(after, want) {
				t.Fatalf("after Go's write Perl reads\n%v\nwant\n%v", after, want)
			}
			afterFlags := session(t, c, a.perl+"/utf8")
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
	do(t, c, http.MethodPost, a.goURL+"/login", url.Values{"user": {"dave"}})
	token := cookieValue(t, c, a.goURL)
	if parts := strings.Split(token, "~"); len(parts) != 5 || parts[1] == "" {
		t.Fatalf("Go's cookie %q has no expiry field", token)
	}
	if code, body := do(t, c, http.MethodGet, a.perl+"/home", nil); code != http.StatusOK || body != "Hello, dave\n" {
		t.Fatalf("Perl home: %d %q", code, body)
	}

	tampered := e2e.Client(t)
	b := []byte(token)
	i := strings.LastIndexByte(token, '~') - 10
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	u, _ := url.Parse(a.goURL)
	tampered.Jar.SetCookies(u, []*http.Cookie{{Name: "dancer.session", Value: string(b), Path: "/"}})
	for _, base := range []string{a.goURL, a.perl} {
		if code, body := do(t, tampered, http.MethodGet, base+"/home", nil); code == http.StatusOK {
			t.Errorf("%s accepted a tampered cookie: %q", base, body)
		}
	}
}
