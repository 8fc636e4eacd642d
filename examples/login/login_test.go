package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/internal/e2e"
)

// TestLoginRoundTrip drives the built example the way the README's curl
// commands do: login, home, the session routes, logout.
func TestLoginRoundTrip(t *testing.T) {
	app := e2e.StartLogin(t)
	c := e2e.Client(t)

	resp := do(t, c, "GET", app.URL+"/home", nil)
	if resp.code != http.StatusSeeOther || resp.location != "/login" {
		t.Fatalf("home before login: %d %q", resp.code, resp.location)
	}
	if resp.setCookie != "" {
		t.Fatalf("a visitor who only reads got a cookie: %q", resp.setCookie)
	}
	if resp := do(t, c, "GET", app.URL+"/login", nil); resp.code != 200 || !strings.Contains(resp.body, `name="user"`) {
		t.Fatalf("login form: %d %q", resp.code, resp.body)
	}
	if resp := do(t, c, "POST", app.URL+"/login", url.Values{}); resp.code != http.StatusBadRequest {
		t.Fatalf("login without a user: %d", resp.code)
	}

	resp = do(t, c, "POST", app.URL+"/login", url.Values{"user": {"alice"}})
	if resp.code != http.StatusSeeOther || resp.location != "/home" || !strings.Contains(resp.setCookie, "dancer.session=") {
		t.Fatalf("login: %d %q %q", resp.code, resp.location, resp.setCookie)
	}
	if resp := do(t, c, "GET", app.URL+"/home", nil); resp.code != 200 || resp.body != "Hello, alice\n" {
		t.Fatalf("home: %d %q", resp.code, resp.body)
	}

	resp = do(t, c, "POST", app.URL+"/session", url.Values{"cart": {"book"}, "lang": {"fr"}})
	var all map[string]any
	if err := json.Unmarshal([]byte(resp.body), &all); err != nil || all["cart"] != "book" || all["user"] != "alice" || all["id"] == nil {
		t.Fatalf("POST /session: %d %s", resp.code, resp.body)
	}
	if resp := do(t, c, "GET", app.URL+"/session/cart", nil); resp.code != 200 || resp.body != "\"book\"\n" {
		t.Fatalf("GET /session/cart: %d %q", resp.code, resp.body)
	}
	if resp := do(t, c, "GET", app.URL+"/session/nope", nil); resp.code != http.StatusNotFound {
		t.Fatalf("GET /session/nope: %d", resp.code)
	}
	if resp := do(t, c, "POST", app.URL+"/session", url.Values{"id": {"mine"}}); resp.code != http.StatusBadRequest {
		t.Fatalf("POST /session id=...: %d", resp.code)
	}

	resp = do(t, c, "GET", app.URL+"/logout", nil)
	if resp.code != http.StatusSeeOther || resp.location != "/login" || !strings.Contains(resp.setCookie, "Max-Age=0") {
		t.Fatalf("logout: %d %q %q", resp.code, resp.location, resp.setCookie)
	}
	if resp := do(t, c, "GET", app.URL+"/home", nil); resp.code != http.StatusSeeOther {
		t.Fatalf("home after logout: %d", resp.code)
	}
	if resp := do(t, c, "GET", app.URL+"/session", nil); resp.body != "{}\n" {
		t.Fatalf("session after logout: %q", resp.body)
	}
}

// TestLoginIDIsRenewed checks the fixation defence: the id a visitor had
// before logging in is not the id after it.
func TestLoginIDIsRenewed(t *testing.T) {
	app := e2e.StartLogin(t)
	c := e2e.Client(t)
	do(t, c, "POST", app.URL+"/session", url.Values{"theme": {"dark"}})
	before := sessionCookie(t, c, app.URL)
	do(t, c, "POST", app.URL+"/login", url.Values{"user": {"bob"}})
	after := sessionCookie(t, c, app.URL)
	if before == "" || after == "" || before == after {
		t.Fatalf("id before login %q, after %q", before, after)
	}
	if resp := do(t, c, "GET", app.URL+"/session/theme", nil); resp.body != "\"dark\"\n" {
		t.Fatalf("data lost over the renewal: %q", resp.body)
	}
}

func TestConfigFlag(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfg, []byte("session: simple\nsession_name: my_app\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "environments"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "environments", "production.yml"), []byte("session_secure: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	app := e2e.StartLogin(t, "-config", cfg, "-env", "production")
	resp := do(t, e2e.Client(t), "POST", app.URL+"/login", url.Values{"user": {"carol"}})
	if !strings.HasPrefix(resp.setCookie, "my_app=") || !strings.Contains(resp.setCookie, "Secure") {
		t.Fatalf("cookie %q ignores the config and its overlay", resp.setCookie)
	}
}

func TestBadConfigStopsAtStartup(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfg, []byte("session: Nope\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run("127.0.0.1:0", cfg, "")
	if err == nil || !strings.Contains(err.Error(), `"Nope"`) || !strings.Contains(err.Error(), "Simple") {
		t.Fatalf("run with an unknown engine: %v", err)
	}
	if err := os.WriteFile(cfg, []byte("session_expires: someday\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run("127.0.0.1:0", cfg, ""); err == nil || !strings.Contains(err.Error(), "session_expires") {
		t.Fatalf("run with a bad session_expires: %v", err)
	}
}

type response struct {
	code      int
	body      string
	location  string
	setCookie string
}

func do(t *testing.T, c *http.Client, method, u string, form url.Values) response {
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
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, string(b), resp.Header.Get("Location"), resp.Header.Get("Set-Cookie")}
}

func sessionCookie(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "dancer.session" {
			return ck.Value
		}
	}
	return ""
}
