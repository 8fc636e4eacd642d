package main

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/dancergo/dancergo/internal/e2e"
)

// twoServices starts a private Redis, examples/login on it (session: Redis)
// and this plain scs service on it.
func twoServices(t *testing.T) (rds, login, scsapp *e2e.Process) {
	t.Helper()
	rds = e2e.StartRedis(t)
	cfg := filepath.Join(t.TempDir(), "config.yml")
	yml := "session: Redis\nsession_expires: 2 hours\nredis_server: " + rds.Addr + "\nredis_timeout: 500ms\n"
	if err := os.WriteFile(cfg, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	login = e2e.StartLogin(t, "-config", cfg)
	addr := e2e.FreeAddr(t)
	scsapp = e2e.Start(t, addr, "", nil, e2e.Binary(t, "./examples/scsapp"), "-addr", addr, "-redis", rds.Addr)
	return rds, login, scsapp
}

// TestSharedLogin: examples/login (dancergo, Redis engine) and this plain
// scs service, two processes, one Redis: a login in either is seen by the
// other, and so is a logout; the key expires with the session.
func TestSharedLogin(t *testing.T) {
	rds, login, scsapp := twoServices(t)
	c := e2e.Client(t)

	if r := e2e.Send(t, c, "POST", login.URL+"/login", url.Values{"user": {"alice"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("login: %d %q", r.Code, r.Body)
	}
	if r := e2e.Send(t, c, "GET", scsapp.URL+"/whoami", nil); r.Code != 200 || r.Body != "You are alice\n" {
		t.Fatalf("scsapp after a dancergo login: %d %q", r.Code, r.Body)
	}

	// The key is scs's and expires with the session (session_expires).
	conn, err := redis.Dial("tcp", rds.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ttl, err := redis.Int64(conn.Do("PTTL", "scs:session:"+e2e.CookieValue(c, login.URL, "dancer.session")))
	if err != nil || ttl < (2*time.Hour-time.Minute).Milliseconds() || ttl > (2*time.Hour).Milliseconds() {
		t.Fatalf("PTTL of the session key = %d, %v; want about 2 hours", ttl, err)
	}

	if r := e2e.Send(t, c, "POST", scsapp.URL+"/cart", url.Values{"item": {"book"}}); r.Code != 200 {
		t.Fatalf("cart: %d %q", r.Code, r.Body)
	}
	if r := e2e.Send(t, c, "GET", login.URL+"/session/cart", nil); r.Code != 200 || r.Body != "\"book\"\n" {
		t.Fatalf("dancergo reads the cart scs wrote: %d %q", r.Code, r.Body)
	}
	if r := e2e.Send(t, c, "POST", login.URL+"/session", url.Values{"lang": {"fr"}}); r.Code != 200 {
		t.Fatalf("dancergo write: %d %q", r.Code, r.Body)
	}
	if r := e2e.Send(t, c, "GET", scsapp.URL+"/cart", nil); r.Code != 200 || r.Body != "cart: book\n" {
		t.Fatalf("scs cart after a dancergo write: %d %q", r.Code, r.Body)
	}

	if r := e2e.Send(t, c, "GET", scsapp.URL+"/logout", nil); r.Code != 200 {
		t.Fatalf("scs logout: %d", r.Code)
	}
	if r := e2e.Send(t, c, "GET", login.URL+"/home", nil); r.Code != http.StatusSeeOther || r.Location() != "/login" {
		t.Fatalf("dancergo home after an scs logout: %d %q", r.Code, r.Body)
	}

	// The other way round: scs logs in, dancergo sees it and logs out.
	if r := e2e.Send(t, c, "POST", scsapp.URL+"/login", url.Values{"user": {"bob"}}); r.Code != 200 {
		t.Fatalf("scs login: %d %q", r.Code, r.Body)
	}
	if r := e2e.Send(t, c, "GET", login.URL+"/home", nil); r.Code != 200 || r.Body != "Hello, bob\n" {
		t.Fatalf("dancergo home after an scs login: %d %q", r.Code, r.Body)
	}
	if r := e2e.Send(t, c, "GET", login.URL+"/logout", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("dancergo logout: %d", r.Code)
	}
	if r := e2e.Send(t, c, "GET", scsapp.URL+"/whoami", nil); r.Code != http.StatusUnauthorized {
		t.Fatalf("scs whoami after a dancergo logout: %d %q", r.Code, r.Body)
	}
	if n, _ := redis.Int(conn.Do("DBSIZE")); n != 0 {
		keys, _ := redis.Strings(conn.Do("KEYS", "*"))
		t.Fatalf("%d keys left after both logouts: %q", n, keys)
	}
}

// TestRedisRestart stops the shared Redis under both services and starts
// it again: both answer 503 meanwhile, neither crashes, and both serve
// logins again once Redis is back.
func TestRedisRestart(t *testing.T) {
	rds, login, scsapp := twoServices(t)
	c := e2e.Client(t)
	if r := e2e.Send(t, c, "POST", login.URL+"/login", url.Values{"user": {"alice"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("login: %d", r.Code)
	}

	rds.Stop()
	for _, u := range []string{login.URL + "/home", scsapp.URL + "/whoami"} {
		if r := e2e.Send(t, c, "GET", u, nil); r.Code != http.StatusServiceUnavailable {
			t.Fatalf("GET %s with Redis down: %d %q", u, r.Code, r.Body)
		}
	}
	if r := e2e.Send(t, c, "POST", login.URL+"/login", url.Values{"user": {"bob"}}); r.Code != http.StatusServiceUnavailable {
		t.Fatalf("login with Redis down: %d %q", r.Code, r.Body)
	}

	rds.Start()
	// The sessions went with the old Redis: log in again, on each side.
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := e2e.Send(t, c, "POST", login.URL+"/login", url.Values{"user": {"carol"}})
		if r.Code == http.StatusSeeOther {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("examples/login did not recover: %d %q", r.Code, r.Body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if r := e2e.Send(t, c, "GET", scsapp.URL+"/whoami", nil); r.Code != 200 || r.Body != "You are carol\n" {
		t.Fatalf("scsapp after recovery: %d %q", r.Code, r.Body)
	}
	for _, p := range []*e2e.Process{login, scsapp} {
		if strings.Contains(p.Logs(), "panic") {
			t.Fatalf("a service panicked:\n%s", p.Logs())
		}
	}
	if n := strings.Count(login.Logs(), "session store failed"); n != 2 {
		t.Errorf("examples/login logged %d store failures for 2 failed requests:\n%s", n, login.Logs())
	}
}
