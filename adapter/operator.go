package adapter

import (
	"context"
	"iter"
	"time"
)

// Lister is implemented by engines whose store can enumerate its sessions
// (file engines, Redis). The command-line tool lists and copies through it.
type Lister interface {
	// IDs yields the id of every stored session. An error ends the sequence.
	IDs(ctx context.Context) iter.Seq2[string, error]
}

// Purger is implemented by engines whose store keeps sessions until told
// otherwise (Dancer never deletes its session files).
type Purger interface {
	// Purge deletes the sessions not written for longer than olderThan and
	// returns how many it deleted.
	Purge(ctx context.Context, olderThan time.Duration) (int, error)
}
