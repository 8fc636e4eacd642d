package main

import (
	"encoding/json"
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

	resp := e2e.Send(t, c, "GET", app.URL+"/home", nil)
	if resp.Code != http.StatusSeeOther || resp.Location() != "/login" {
		t.Fatalf("home before login: %d %q", resp.Code, resp.Location())
	}
	if resp.SetCookie() != "" {
		t.Fatalf("a visitor who only reads got a cookie: %q", resp.SetCookie())
	}
	if resp := e2e.Send(t, c, "GET", app.URL+"/login", nil); resp.Code != 200 || !strings.Contains(resp.Body, `name="user"`) {
		t.Fatalf("login form: %d %q", resp.Code, resp.Body)
	}
	if resp := e2e.Send(t, c, "POST", app.URL+"/login", url.Values{}); resp.Code != http.StatusBadRequest {
		t.Fatalf("login without a user: %d", resp.Code)
	}

	resp = e2e.Send(t, c, "POST", app.URL+"/login", url.Values{"user": {"alice"}})
	if resp.Code != http.StatusSeeOther || resp.Location() != "/home" || !strings.Contains(resp.SetCookie(), "dancer.session=") {
		t.Fatalf("login: %d %q %q", resp.Code, resp.Location(), resp.SetCookie())
	}
	if resp := e2e.Send(t, c, "GET", app.URL+"/home", nil); resp.Code != 200 || resp.Body != "Hello, alice\n" {
		t.Fatalf("home: %d %q", resp.Code, resp.Body)
	}

	resp = e2e.Send(t, c, "POST", app.URL+"/session", url.Values{"cart": {"book"}, "lang": {"fr"}})
	var all map[string]any
	if err := json.Unmarshal([]byte(resp.Body), &all); err != nil || all["cart"] != "book" || all["user"] != "alice" || all["id"] == nil {
		t.Fatalf("POST /session: %d %s", resp.Code, resp.Body)
	}
	if resp := e2e.Send(t, c, "GET", app.URL+"/session/cart", nil); resp.Code != 200 || resp.Body != "\"book\"\n" {
		t.Fatalf("GET /session/cart: %d %q", resp.Code, resp.Body)
	}
	if resp := e2e.Send(t, c, "GET", app.URL+"/session/nope", nil); resp.Code != http.StatusNotFound {
		t.Fatalf("GET /session/nope: %d", resp.Code)
	}
	if resp := e2e.Send(t, c, "POST", app.URL+"/session", url.Values{"id": {"mine"}}); resp.Code != http.StatusBadRequest {
		t.Fatalf("POST /session id=...: %d", resp.Code)
	}

	resp = e2e.Send(t, c, "GET", app.URL+"/logout", nil)
	if resp.Code != http.StatusSeeOther || resp.Location() != "/login" || !strings.Contains(resp.SetCookie(), "Max-Age=0") {
		t.Fatalf("logout: %d %q %q", resp.Code, resp.Location(), resp.SetCookie())
	}
	if resp := e2e.Send(t, c, "GET", app.URL+"/home", nil); resp.Code != http.StatusSeeOther {
		t.Fatalf("home after logout: %d", resp.Code)
	}
	if resp := e2e.Send(t, c, "GET", app.URL+"/session", nil); resp.Body != "{}\n" {
		t.Fatalf("session after logout: %q", resp.Body)
	}
}

// TestLoginIDIsRenewed checks the fixation defence: the id a visitor had
// before logging in is not the id after it.
func TestLoginIDIsRenewed(t *testing.T) {
	app := e2e.StartLogin(t)
	c := e2e.Client(t)
	e2e.Send(t, c, "POST", app.URL+"/session", url.Values{"theme": {"dark"}})
	before := e2e.CookieValue(c, app.URL, "dancer.session")
	e2e.Send(t, c, "POST", app.URL+"/login", url.Values{"user": {"bob"}})
	after := e2e.CookieValue(c, app.URL, "dancer.session")
	if before == "" || after == "" || before == after {
		t.Fatalf("id before login %q, after %q", before, after)
	}
	if resp := e2e.Send(t, c, "GET", app.URL+"/session/theme", nil); resp.Body != "\"dark\"\n" {
		t.Fatalf("data lost over the renewal: %q", resp.Body)
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
	resp := e2e.Send(t, e2e.Client(t), "POST", app.URL+"/login", url.Values{"user": {"carol"}})
	if !strings.HasPrefix(resp.SetCookie(), "my_app=") || !strings.Contains(resp.SetCookie(), "Secure") {
		t.Fatalf("cookie %q ignores the config and its overlay", resp.SetCookie())
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
