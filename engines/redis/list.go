package redis

import (
	"context"
	"fmt"
	"iter"
	"strings"

	redigo "github.com/gomodule/redigo/redis"

	"github.com/dancergo/dancergo/adapter"
)

var _ adapter.Lister = (*Engine)(nil)

// scanBatch is the COUNT hint of each SCAN: enough keys per round trip,
// small enough not to hold Redis up.
const scanBatch = 500

// IDs yields the id of every stored session, walking the keys under the
// prefix with SCAN (never KEYS, which blocks Redis on a large database).
// As with any SCAN, a session created or deleted during the walk may or may
// not be seen. Each round trip is bounded by redis_timeout.
func (e *Engine) IDs(ctx context.Context) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		s := e.store
		pattern := globEscape(s.prefix) + "*"
		cursor := "0"
		for {
			var keys []string
			err := s.with(ctx, func(ctx context.Context, conn redigo.Conn) error {
				reply, err := redigo.Values(do(ctx, conn, "SCAN", cursor, "MATCH", pattern, "COUNT", scanBatch))
				if err != nil {
					return err
				}
				if len(reply) != 2 {
					return fmt.Errorf("unexpected SCAN reply of %d elements", len(reply))
				}
				if cursor, err = redigo.String(reply[0], nil); err != nil {
					return err
				}
				keys, err = redigo.Strings(reply[1], nil)
				return err
			})
			if err != nil {
				yield("", fmt.Errorf("%w: scan: %w", adapter.ErrStore, err))
				return
			}
			for _, k := range keys {
				if id, ok := strings.CutPrefix(k, s.prefix); ok && e.ValidToken(id) {
					if !yield(id, nil) {
						return
					}
				}
			}
			if cursor == "0" {
				return
			}
		}
	}
}

// globEscape quotes the characters SCAN's MATCH pattern treats specially,
// so that a prefix matches only itself.
func globEscape(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(`*?[]\^`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}
