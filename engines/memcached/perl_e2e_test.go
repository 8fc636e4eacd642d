package memcached_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/engines"
	"github.com/dancergo/dancergo/internal/e2e"
)

// pair is a Perl Dancer app and examples/login on the same memcached
// servers, and a browser (one cookie jar for both).
type pair struct {
	perl, gol *e2e.Process
	c         *http.Client
}

func startPair(t *testing.T, servers []*e2e.Process) pair {
	t.Helper()
	if !slices.Contains(engines.Names(), "Memcached") {
		e2e.Need(t, "the Memcached engine registered in engines/engines.go", fmt.Errorf("engines.Names() = %v", engines.Names()))
	}
	e2e.NeedPerlModules(t, "Dancer", "Dancer::Session::Memcached", "JSON::PP")
	var addrs []string
	for _, s := range servers {
		addrs = append(addrs, s.Addr)
	}
	list := strings.Join(addrs, ",")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfg, []byte("session: Memcached\nmemcached_timeout: 5s\nmemcached_servers: \""+list+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	app, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	return pair{
		perl: e2e.StartPlackup(t, app, "app.psgi", "MEMCACHED_SERVERS="+list),
		gol:  e2e.StartLogin(t, "-config", cfg),
		c:    e2e.Client(t),
	}
}

// session returns GET /session of one app, in the value model.
func (p pair) session(t *testing.T, app *e2e.Process) map[string]any {
	t.Helper()
	return e2e.GetJSON(t, p.c, app.URL+"/session")
}

func (p pair) home(t *testing.T, app *e2e.Process) (string, bool) {
	t.Helper()
	r := e2e.Send(t, p.c, "GET", app.URL+"/home", nil)
	switch {
	case r.Code == http.StatusOK:
		return strings.TrimSpace(r.Body), true
	case r.Code/100 == 3 && strings.HasSuffix(r.Location(), "/login"):
		return "", false
	}
	t.Fatalf("GET %s/home: %d %s %s", app.URL, r.Code, r.Location(), r.Body)
	return "", false
}

// TestWithPerlDancer runs a Perl Dancer app and examples/login on the same
// memcached (one server, then two): a login made on either side is seen on
// the other, Perl's values of every kind survive a Go write of another key
// exactly as Perl sees them, and a logout on either side ends the session
// on both.
func TestWithPerlDancer(t *testing.T) {
	for _, n := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d servers", n), func(t *testing.T) {
			var servers []*e2e.Process
			for range n {
				servers = append(servers, e2e.StartMemcached(t))
			}
			p := startPair(t, servers)

			// Login on Perl, seen by Go.
			if r := e2e.Send(t, p.c, "POST", p.perl.URL+"/login", url.Values{"user": {"alice"}}); r.Code/100 != 3 {
				t.Fatalf("Perl POST /login: %d %s", r.Code, r.Body)
			}
			if got, ok := p.home(t, p.gol); !ok || got != "Hello, alice" {
				t.Fatalf("Go /home after a Perl login: %q, %v", got, ok)
			}

			// Perl's values, read by Go, then written back by Go with one more key.
			if r := e2e.Send(t, p.c, "POST", p.perl.URL+"/perl-values", url.Values{}); r.Code != http.StatusOK {
				t.Fatalf("Perl POST /perl-values: %d %s", r.Code, r.Body)
			}
			perlView := p.session(t, p.perl)
			goView := p.session(t, p.gol)
			if !perl.Equal(goView, perlView) {
				t.Errorf("Go reads the session as\n %s\nPerl as\n %s", js(goView), js(perlView))
			}
			if r := e2e.Send(t, p.c, "POST", p.gol.URL+"/session", url.Values{"go_key": {"from go"}}); r.Code != http.StatusOK {
				t.Fatalf("Go POST /session: %d %s", r.Code, r.Body)
			}
			after := p.session(t, p.perl)
			if after["go_key"] != "from go" {
				t.Errorf("Perl does not see Go's key: %v", after["go_key"])
			}
			delete(after, "go_key")
			if !perl.Equal(after, perlView) {
				t.Errorf("after a Go write Perl reads\n %s\nbefore it read\n %s", js(after), js(perlView))
			}
			// Byte strings stay byte strings (no double encoding), text
			// with wide characters stays UTF-8; a flagged string of
			// Latin-1 characters comes back as the same characters in a
			// byte string (see compat/storable's package doc).
			flags := e2e.GetJSON(t, p.c, p.perl.URL+"/flags")
			for key, want := range map[string]string{"latin1_bytes": "bytes", "utf8_bytes": "bytes", "utf8": "utf8", "flagged": "bytes", "user": "bytes"} {
				if got := flags[key]; got != want {
					t.Errorf("after a Go write Perl's %s is a %v string, want %s", key, got, want)
				}
			}
			if testing.Verbose() {
				t.Logf("Perl's view after the Go write: %s", js(after))
			}

			// Logout on Perl ends the session for Go.
			e2e.Send(t, p.c, "GET", p.perl.URL+"/logout", nil)
			if got, ok := p.home(t, p.gol); ok {
				t.Errorf("Go /home after a Perl logout: %q", got)
			}

			// Login on Go, seen by Perl; a key set by Perl is seen by Go.
			if r := e2e.Send(t, p.c, "POST", p.gol.URL+"/login", url.Values{"user": {"bob"}}); r.Code/100 != 3 {
				t.Fatalf("Go POST /login: %d %s", r.Code, r.Body)
			}
			if got, ok := p.home(t, p.perl); !ok || got != "Hello, bob" {
				t.Fatalf("Perl /home after a Go login: %q, %v", got, ok)
			}
			e2e.Send(t, p.c, "POST", p.perl.URL+"/session", url.Values{"theme": {"dark"}})
			if got := p.session(t, p.gol); got["theme"] != "dark" || got["user"] != "bob" {
				t.Errorf("Go reads %v after Perl set theme", got)
			}

			// Logout on Go ends the session for Perl.
			e2e.Send(t, p.c, "GET", p.gol.URL+"/logout", nil)
			if got, ok := p.home(t, p.perl); ok {
				t.Errorf("Perl /home after a Go logout: %q", got)
			}

			// Many sessions, made on both sides, spread over the servers.
			for i := range 12 {
				q := pair{perl: p.perl, gol: p.gol, c: e2e.Client(t)}
				from, to := q.perl, q.gol
				if i%2 == 1 {
					from, to = q.gol, q.perl
				}
				user := fmt.Sprintf("user%d", i)
				e2e.Send(t, q.c, "POST", from.URL+"/login", url.Values{"user": {user}})
				if got, ok := q.home(t, to); !ok || got != "Hello, "+user {
					t.Errorf("session %d made on %s: the other side says %q, %v", i, from.URL, got, ok)
				}
			}
			for _, s := range servers {
				if currItems(t, s.Addr) == 0 {
					t.Errorf("memcached %s holds no session: the servers are not all used", s.Addr)
				}
			}
		})
	}
}

func js(v any) string {
	b, err := perl.MarshalJSON(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// currItems returns how many items a memcached server holds ("stats").
func currItems(t *testing.T, addr string) int {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	fmt.Fprint(conn, "stats\r\n")
	sc := bufio.NewScanner(conn)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[1] == "curr_items" {
			n, _ := strconv.Atoi(f[2])
			return n
		}
		if f[0] == "END" {
			break
		}
	}
	t.Fatalf("no curr_items in stats of %s", addr)
	return 0
}

// TestConcurrentWritesThroughLogin sends 60 overlapping writes of one
// session to examples/login on memcached: the compare-and-swap merge must
// keep every key.
func TestConcurrentWritesThroughLogin(t *testing.T) {
	if !slices.Contains(engines.Names(), "Memcached") {
		e2e.Need(t, "the Memcached engine registered in engines/engines.go", fmt.Errorf("engines.Names() = %v", engines.Names()))
	}
	mc := e2e.StartMemcached(t)
	cfg := filepath.Join(t.TempDir(), "config.yml")
	if err := os.WriteFile(cfg, []byte("session: Memcached\nmemcached_timeout: 5s\nmemcached_servers: \""+mc.Addr+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := pair{gol: e2e.StartLogin(t, "-config", cfg), c: e2e.Client(t)}
	if r := e2e.Send(t, p.c, "POST", p.gol.URL+"/login", url.Values{"user": {"alice"}}); r.Code/100 != 3 {
		t.Fatalf("POST /login: %d %s", r.Code, r.Body)
	}
	if missing := e2e.ConcurrentSet(t, p.c, p.gol.URL, 60); len(missing) > 0 {
		t.Fatalf("%d of 60 concurrent writes lost: %v", len(missing), missing)
	}
}
