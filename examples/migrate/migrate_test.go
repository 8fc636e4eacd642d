package migrate_test

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dancergo/dancergo/internal/e2e"
)

// TestMigrateRouteByRoute runs examples/migrate/run.sh — the real Perl
// Dancer app, examples/login and the proxy — and walks a user through a
// migration: log in on a Perl route, use a Go route, move a route from Perl
// to Go in the table, log out on Go; the session follows throughout.
func TestMigrateRouteByRoute(t *testing.T) {
	for _, engine := range []string{"YAML", "Memcached"} {
		t.Run(engine, func(t *testing.T) {
			e2e.NeedCommand(t, "plackup")
			e2e.NeedPerlModules(t, "Dancer", "Dancer::Session::YAML", "Dancer::Session::Memcached")
			env := []string{"ENGINE=" + engine}
			if engine == "Memcached" {
				env = append(env, "MEMCACHED="+e2e.StartMemcached(t).Addr)
			}
			d := start(t, env)

			d.expect("GET", "/home", nil, "perl", http.StatusFound, "")
			d.expect("POST", "/login", url.Values{"user": {"alice"}}, "perl", http.StatusFound, "")
			d.expect("GET", "/home", nil, "perl", http.StatusOK, "Hello, alice\n")

			// /session is Go's already: it sees the login made in Perl.
			all := d.session()
			if all["user"] != "alice" {
				t.Fatalf("Go's /session after a Perl login: %v", all)
			}

			// Move /home to Go: the user stays logged in.
			d.routes("/session go\n/home go\n")
			d.expect("GET", "/home", nil, "go", http.StatusOK, "Hello, alice\n")

			// Writes on both sides keep each other's keys.
			d.expect("POST", "/session", url.Values{"cart": {"book"}}, "go", http.StatusOK, "")
			d.expect("GET", "/account", nil, "perl", http.StatusOK, "Account of alice (visit 1, served by Perl)\n")
			// (YAML keeps every scalar a string; Storable, in memcached, keeps numbers.)
			if all := d.session(); all["cart"] != "book" || fmt.Sprint(all["visits"]) != "1" || all["user"] != "alice" {
				t.Fatalf("after writes on both sides: %v", all)
			}

			// Log out on Go: Perl sees it.
			d.routes("/session go\n/home go\n/logout go\n")
			d.expect("GET", "/logout", nil, "go", http.StatusSeeOther, "")
			d.expect("GET", "/account", nil, "perl", http.StatusFound, "")
		})
	}
}

type demo struct {
	t      *testing.T
	url    string
	table  string
	client *http.Client
}

// start runs run.sh on free ports with its own route table.
func start(t *testing.T, env []string) *demo {
	t.Helper()
	dir := t.TempDir()
	table := filepath.Join(dir, "routes.txt")
	if err := os.WriteFile(table, []byte("/session go\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	proxy, perl, goSvc := e2e.FreeAddr(t), e2e.FreeAddr(t), e2e.FreeAddr(t)
	env = append(env, "ROUTES="+table, "PROXY_PORT="+port(proxy), "PERL_PORT="+port(perl), "GO_PORT="+port(goSvc))
	script := filepath.Join(e2e.RepoRoot(t), "examples", "migrate", "run.sh")
	p := e2e.Start(t, proxy, dir, env, "bash", script)
	d := &demo{t: t, url: p.URL, table: table, client: e2e.Client(t)}
	// The proxy listens first; wait for both apps behind it.
	for _, addr := range []string{perl, goSvc} {
		deadline := time.Now().Add(60 * time.Second)
		for {
			conn, err := net.DialTimeout("tcp", addr, time.Second)
			if err == nil {
				conn.Close()
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("nothing listens on %s:\n%s", addr, p.Logs())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return d
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// routes rewrites the route table, as an operator moving routes would.
func (d *demo) routes(table string) {
	d.t.Helper()
	if err := os.WriteFile(d.table, []byte(table), 0o644); err != nil {
		d.t.Fatal(err)
	}
	future := time.Now().Add(time.Duration(len(table)) * time.Second)
	_ = os.Chtimes(d.table, future, future)
}

// expect sends a request through the proxy and checks who answered, the
// status and (when not empty) the body.
func (d *demo) expect(method, path string, form url.Values, servedBy string, code int, body string) {
	d.t.Helper()
	r := e2e.Send(d.t, d.client, method, d.url+path, form)
	if got := r.Header.Get("X-Served-By"); got != servedBy {
		d.t.Fatalf("%s %s served by %q, want %q", method, path, got, servedBy)
	}
	if r.Code != code || (body != "" && r.Body != body) {
		d.t.Fatalf("%s %s: %d %q, want %d %q", method, path, r.Code, r.Body, code, body)
	}
}

// session returns Go's GET /session.
func (d *demo) session() map[string]any {
	d.t.Helper()
	return e2e.GetJSON(d.t, d.client, d.url+"/session")
}
