package redis

import (
	"context"
	"fmt"
	"strings"
	"time"

	redigo "github.com/gomodule/redigo/redis"
)

// swapScript replaces a session's bytes only if they are still the ones a
// request loaded: compare-and-set, atomic because Redis runs a script alone.
//
//	KEYS[1]  the session's key
//	ARGV[1]  the bytes the request loaded
//	ARGV[2]  the new bytes
//	ARGV[3]  the expiry, Unix milliseconds (PEXPIREAT, as redisstore)
//
// It answers 1 when it stored the new bytes; the bytes stored now when they
// are not the loaded ones, so the caller can merge again without another
// read; nil when the key is gone. A session that is gone was destroyed (or
// expired) after the request loaded it: it is not recreated, so a logout
// is never undone by a request that was still running.
var swapScript = redigo.NewScript(1, swapSource) // for its SHA-1, EVALSHA's name

const swapSource = `
local cur = redis.call('GET', KEYS[1])
if not cur then
	return false
end
if cur ~= ARGV[1] then
	return cur
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return 1
`

// swapResult is what swap found.
type swapResult int

const (
	swapped  swapResult = iota // the new bytes are stored
	conflict                   // another write came first; current holds its bytes
	gone                       // the session no longer exists; nothing was stored
)

// swap runs swapScript: EVALSHA, and EVAL only when Redis does not know the
// script yet (after a restart or SCRIPT FLUSH), so one round trip as a rule.
func (s *Store) swap(ctx context.Context, token string, loaded, b []byte, expiry time.Time) (res swapResult, current []byte, err error) {
	err = s.with(ctx, func(ctx context.Context, conn redigo.Conn) error {
		key, at := s.prefix+token, expiry.UnixMilli()
		reply, err := do(ctx, conn, "EVALSHA", swapScript.Hash(), 1, key, loaded, b, at)
		if e, ok := err.(redigo.Error); ok && strings.HasPrefix(string(e), "NOSCRIPT") {
			reply, err = do(ctx, conn, "EVAL", swapSource, 1, key, loaded, b, at)
		}
		if err != nil {
			return err
		}
		switch r := reply.(type) {
		case int64:
			res = swapped
		case []byte:
			res, current = conflict, r
		case nil:
			res = gone
		default:
			return fmt.Errorf("unexpected reply %T from the swap script", reply)
		}
		return nil
	})
	return res, current, err
}
