// Package psgi is Dancer's PSGI engine (session: PSGI): sessions kept by
// Plack::Middleware::Session in Plack::Session::Store::File, so that a Go
// service and a Plack or Dancer 1 app (Dancer::Session::PSGI) share them.
//
// The cookie is Plack's, "plack_session" unless configured otherwise, and
// carries a 40-digit lowercase hex id (sessionid.Hex40). The session is the
// file <dir>/<id>, no extension, holding Storable::lock_nstore of a plain
// hash: "pst0" followed by a network-order Storable document.
//
// Files are written whole into a temporary file in the same directory and
// renamed over the session's name, so a reader never sees half a file and a
// failed write leaves the old session intact. Every access takes the flock
// that Storable's lock_retrieve (shared) and lock_nstore (exclusive) take, so
// Go and Perl writers never interleave; a request's changes are merged, under
// the exclusive lock, onto the session as it is on disk at that moment.
//
// The key "id" is not written by Go: Plack keeps no id in the hash, and the
// "id" that Dancer::Session::PSGI copies in is Dancer's own number. A stored
// "id" is left as it is; a session Go creates has none.
//
// Session ids that are not 40 lowercase hex digits are never turned into
// file names, and a symbolic link, a device or a FIFO where a session file
// should be is refused (opened with O_NOFOLLOW and O_NONBLOCK), so nothing
// outside the directory is read or written whatever the cookie says.
package psgi
