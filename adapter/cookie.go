package adapter

import (
	"net/http"
	"strings"
	"time"
)

// requestCookie returns the value of the last cookie called name in r's
// Cookie headers (when a name repeats, Dancer takes the last), or "".
// It scans the headers without building every http.Cookie: this runs on
// every request that touches its session.
func requestCookie(r *http.Request, name string) string {
	value := ""
	for _, line := range r.Header["Cookie"] {
		for len(line) > 0 {
			var part string
			part, line, _ = strings.Cut(line, ";")
			part = strings.TrimSpace(part)
			k, v, ok := strings.Cut(part, "=")
			if ok && k == name {
				value = strings.Trim(v, `"`)
			}
		}
	}
	return value
}

// sessionCookie is the Set-Cookie header value for token, or for a cookie
// that expires the browser's session cookie when expire is set.
func (c *Cookie) header(token string, expire bool, now time.Time) string {
	hc := http.Cookie{
		Name:     c.Name,
		Value:    token,
		Path:     c.Path,
		Domain:   c.Domain,
		Secure:   c.Secure,
		HttpOnly: c.HTTPOnly,
		SameSite: c.SameSite,
	}
	if hc.Path == "" {
		hc.Path = "/"
	}
	switch {
	case expire:
		hc.Expires = time.Unix(1, 0)
		hc.MaxAge = -1
	case c.Expires > 0:
		hc.Expires = now.Add(c.Expires)
	}
	return hc.String()
}
