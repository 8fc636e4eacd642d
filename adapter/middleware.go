package adapter

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// ErrResponseDiscarded is returned to a handler's Write after the response
// was replaced by an error because the session store failed.
var ErrResponseDiscarded = errors.New("dancergo: response discarded: the session store failed")

// Middleware makes the session available to next through From and
// FromContext, and saves it before the response headers are written.
func (m *Manager) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs := &requestState{w: w}
		rs.session.m = m
		r = r.WithContext(context.WithValue(r.Context(), contextKey{}, &rs.session))
		rs.session.req = r
		next.ServeHTTP(rs, r)
		if !rs.wroteHeader {
			rs.WriteHeader(http.StatusOK)
		}
	})
}

// requestState is the session of one request together with the
// ResponseWriter that commits it: one allocation for both.
type requestState struct {
	session     Session
	w           http.ResponseWriter
	wroteHeader bool
	failed      bool
}

func (rs *requestState) Header() http.Header { return rs.w.Header() }

// WriteHeader commits the session, then writes the header — or, when the
// store failed, an error response in its place.
func (rs *requestState) WriteHeader(code int) {
	if rs.wroteHeader {
		return
	}
	rs.wroteHeader = true
	if code >= 100 && code < 200 {
		// Informational headers (103 Early Hints) go out before the final
		// response and carry no session.
		rs.wroteHeader = false
		rs.w.WriteHeader(code)
		return
	}
	err := rs.session.commit(func(value string, expire bool) {
		rs.w.Header().Add("Set-Cookie", rs.session.m.Cookie.header(value, expire, time.Now()))
	})
	if err != nil {
		rs.failed = true
		writeFailure(rs.w, err)
		return
	}
	rs.w.WriteHeader(code)
}

func (rs *requestState) Write(b []byte) (int, error) {
	if !rs.wroteHeader {
		rs.WriteHeader(http.StatusOK)
	}
	if rs.failed {
		return 0, ErrResponseDiscarded
	}
	return rs.w.Write(b)
}

// Flush commits the session if needed and flushes the response.
func (rs *requestState) Flush() {
	if !rs.wroteHeader {
		rs.WriteHeader(http.StatusOK)
	}
	if f, ok := rs.w.(http.Flusher); ok && !rs.failed {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (rs *requestState) Unwrap() http.ResponseWriter { return rs.w }

// writeFailure replaces the handler's response with a plain error: 503 when
// the store could not be reached, 500 otherwise. Headers the handler had set
// (its content type, caching) are dropped; nothing of its body goes out.
func writeFailure(w http.ResponseWriter, err error) {
	h := w.Header()
	for k := range h {
		delete(h, k)
	}
	code := http.StatusInternalServerError
	if errors.Is(err, ErrStore) {
		code = http.StatusServiceUnavailable
		h.Set("Retry-After", "1")
	}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(http.StatusText(code) + ": session store failure\n"))
}
