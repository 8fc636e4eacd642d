package faulttest

import (
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/internal/e2e"
)

// App serves an engine behind the adapter's middleware, in this process, to
// tests that break the engine's store and watch what visitors get. Its
// handler reads the query:
//
//	?set=k&v=v   sets session key k to v
//	?get=k       answers the value of k (a string), empty when unset
//	?destroy     destroys the session (a logout)
//	anything else does not touch the session
//
// Everything the adapter logs, and anything the HTTP server logs (a panic
// in a handler), goes to Logs.
type App struct {
	// URL is the server's base URL.
	URL string
	// Manager is the adapter's manager; tests may change its fields before
	// the first request.
	Manager *adapter.Manager

	t    testing.TB
	logs *e2e.LogBuffer
}

// NewApp starts an App on e with Dancer's default settings; the server stops
// when the test ends.
func NewApp(t testing.TB, e adapter.Engine) *App {
	t.Helper()
	a := &App{t: t, logs: &e2e.LogBuffer{}, Manager: adapter.New(e, nil)}
	a.Manager.Logger = slog.New(slog.NewTextHandler(a.logs, nil))
	srv := httptest.NewUnstartedServer(a.Manager.Middleware(http.HandlerFunc(serveApp)))
	srv.Config.ErrorLog = log.New(a.logs, "http server: ", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	a.URL = srv.URL
	return a
}

func serveApp(w http.ResponseWriter, r *http.Request) {
	s := adapter.From(r)
	q := r.URL.Query()
	switch {
	case q.Has("set"):
		if err := s.Set(q.Get("set"), q.Get("v")); err != nil {
			return // the middleware answers for the store
		}
	case q.Has("get"):
		v, err := s.Get(q.Get("get"))
		if err != nil {
			return
		}
		if str, ok := v.(string); ok {
			_, _ = io.WriteString(w, str)
		}
	case q.Has("destroy"):
		_ = s.Destroy()
	}
}

// Logs returns what was logged so far.
func (a *App) Logs() string { return a.logs.String() }

// LogLines returns the lines logged so far.
func (a *App) LogLines() []string {
	s := strings.TrimSpace(a.logs.String())
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Visitor returns a new browser: a client with a cookie jar of its own.
func (a *App) Visitor() *Visitor {
	jar, err := cookiejar.New(nil)
	if err != nil {
		a.t.Fatal(err)
	}
	return &Visitor{app: a, client: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// Visitor is one browser of an App.
type Visitor struct {
	app    *App
	client *http.Client
}

// Response is what a Visitor got.
type Response struct {
	Code   int
	Body   string
	Header http.Header
	// Err is the transport's error: the server closed the connection
	// without an answer (a panic in the handler does that).
	Err error
}

func (r Response) String() string {
	if r.Err != nil {
		return "error: " + r.Err.Error()
	}
	return fmt.Sprintf("%d %q", r.Code, r.Body)
}

// Get requests the App with a query and fails the test on a transport
// error.
func (v *Visitor) Get(query string) (code int, body string) {
	v.app.t.Helper()
	r := v.Do(query)
	if r.Err != nil {
		v.app.t.Fatalf("GET /?%s: %v", query, r.Err)
	}
	return r.Code, r.Body
}

// Do requests the App with a query and reports, without failing the test,
// what came back: for use where the test must not write anything yet (see
// e2e.DiskFull).
func (v *Visitor) Do(query string) Response {
	resp, err := v.client.Get(v.app.URL + "/?" + query)
	if err != nil {
		return Response{Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return Response{Code: resp.StatusCode, Body: string(body), Header: resp.Header, Err: err}
}

// SetSession makes the visitor send token as its session cookie, as a
// browser holding that session would.
func (v *Visitor) SetSession(token string) {
	e2e.SetCookie(v.client, v.app.URL, v.app.Manager.Cookie.Name, token)
}

// SessionID returns the value of the session cookie the visitor holds.
func (v *Visitor) SessionID() string {
	return e2e.CookieValue(v.client, v.app.URL, v.app.Manager.Cookie.Name)
}
