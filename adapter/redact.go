package adapter

import "strings"

// RedactID returns msg with every occurrence of the session id replaced by
// its first four characters and an ellipsis. A session id is a credential:
// file engines' errors carry paths built from it, and log files are read by
// more people than should log in as the site's users.
func RedactID(msg, id string) string {
	if len(id) < 8 {
		return msg
	}
	return strings.ReplaceAll(msg, id, id[:4]+"…")
}

// redacted is RedactID for every id this request knows.
func (s *Session) redacted(err error) string {
	msg := err.Error()
	for _, id := range []string{s.token, s.rec.ID} {
		msg = RedactID(msg, id)
	}
	return msg
}
