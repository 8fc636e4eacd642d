// Package config reads a Perl Dancer application's config.yml, and the
// environments/<env>.yml overlay, the way Dancer 1 does, and gives the
// session settings typed.
//
// The session_* keys are read into Settings' fields; every other key stays
// available to engines through Settings' typed getters, so an engine reads
// its own keys (memcached_servers, session_cookie_key, ...) from the same
// file the Perl application uses.
package config
