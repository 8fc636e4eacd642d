// Package e2e starts the real programs that dancergo's end-to-end tests run
// against — examples/login, Perl apps under plackup, memcached, redis-server —
// on loopback ports, and stops them when the test ends. It also injects the
// faults the reliability tests need: a full disk (DiskFull), a session
// directory replaced by a file, a lock another process holds, a server that
// never answers (BlackHole). And it is the tests' browser: Client, Send,
// GetJSON, CookieValue and SetCookie talk to those programs as a user's
// browser would, and LogBuffer collects what a server logs.
//
// A test that needs a program or Perl module this machine lacks fails when
// the environment variable CI is "true" and skips, saying what is missing,
// everywhere else.
package e2e
