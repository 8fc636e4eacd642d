// Package adapter gives net/http handlers the session API of Perl's Dancer
// framework on top of any Engine (Simple, Redis, YAML, Memcached, Cookie...).
//
// Wrap handlers in a Manager's Middleware, then reach the session from the
// request:
//
//	s := adapter.From(r)
//	s.Set("user", "alice")        // session user => 'alice'
//	user, err := s.Get("user")    // session 'user'
//	s.Destroy()                   // session->destroy
//
// The session is loaded from the store the first time a handler touches it,
// and written back once, before the response headers go out, only when the
// request changed it. A visitor who only reads gets no stored session and no
// cookie. The key "id" holds the session id, inside the stored data as in
// Dancer 1, and cannot be written.
//
// When the store fails, the request is answered 503 Service Unavailable (and
// the failure logged once); a stored session that cannot be decoded is logged
// and replaced by a fresh one.
package adapter
