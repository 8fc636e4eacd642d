// Package faulttest serves a session engine behind the adapter's middleware,
// in the test's own process, and breaks the engine's store under it: the
// tests of reliability (see docs/reliability.md). The faults themselves —
// a full disk, a directory replaced by a file, a lock held by another
// process, a server that never answers — are in internal/e2e.
package faulttest
