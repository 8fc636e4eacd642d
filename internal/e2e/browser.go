package e2e

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dancergo/dancergo/compat/perl"
)

// Client returns an HTTP client with its own cookie jar that does not follow
// redirects, so a test sees every Set-Cookie and Location. Cookies are kept
// per host, not per port, so one client carries a session between servers
// on different loopback ports, as a browser does between apps on one domain.
func Client(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Reply is what a server answered to Send.
type Reply struct {
	// Code is the HTTP status code.
	Code int
	// Body is the whole response body.
	Body string
	// Header is the response header.
	Header http.Header
}

// Location returns where a redirect points: the Location header, "" when
// there is none.
func (r Reply) Location() string { return r.Header.Get("Location") }

// SetCookie returns the first Set-Cookie header, "" when the answer set no
// cookie.
func (r Reply) SetCookie() string { return r.Header.Get("Set-Cookie") }

// Send sends a method request for u through c and reads the whole answer.
// A non-nil form goes as an application/x-www-form-urlencoded body (an
// empty url.Values sends an empty one); nil sends no body. c's cookie jar
// sends and keeps cookies as a browser does. A request that gets no answer
// fails the test, so Send belongs on the test's own goroutine.
func Send(t testing.TB, c *http.Client, method, u string, form url.Values) Reply {
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
		t.Fatalf("%s %s: reading the body: %v", method, u, err)
	}
	return Reply{Code: resp.StatusCode, Body: string(b), Header: resp.Header}
}

// GetJSON sends GET u through c and returns the JSON object it answers in
// dancergo's value model (perl.UnmarshalJSON: whole numbers are int64,
// {"__class__"} is a *perl.Object, {"__ref__"} a *perl.Ref), the form in
// which examples/login and the Perl test apps show a session. An answer
// other than 200 with a JSON object fails the test.
func GetJSON(t testing.TB, c *http.Client, u string) map[string]any {
	t.Helper()
	r := Send(t, c, http.MethodGet, u, nil)
	if r.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %q", u, r.Code, r.Body)
	}
	v, err := perl.UnmarshalJSON([]byte(r.Body))
	if err != nil {
		t.Fatalf("GET %s: %v in %q", u, err, r.Body)
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("GET %s: not a JSON object: %q", u, r.Body)
	}
	return m
}

// CookieValue returns the value of the cookie name that c's jar holds for
// base (an absolute URL), "" when it holds none.
func CookieValue(c *http.Client, base, name string) string {
	for _, ck := range c.Jar.Cookies(parseBase(base)) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// SetCookie puts the cookie name=value (path "/") into c's jar as if base
// had set it, so that c sends it from now on: for a test that replays an
// old cookie or forges one.
func SetCookie(c *http.Client, base, name, value string) {
	c.Jar.SetCookies(parseBase(base), []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// parseBase parses a test's base URL; one that does not parse is a mistake
// in the test.
func parseBase(base string) *url.URL {
	u, err := url.Parse(base)
	if err != nil {
		panic("e2e: bad base URL: " + err.Error())
	}
	return u
}
