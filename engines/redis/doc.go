// Package redis is the Redis session engine ("session: Redis" in
// config.yml): sessions kept where scs's redisstore keeps them, so that
// Dancer-style Go handlers and plain scs services share one login.
//
// The layout is redisstore's: the key is redis_prefix (default
// "scs:session:") followed by the session id, the value is the session
// encoded by scs's GobCodec, and the key expires with the session
// (PEXPIREAT). Ids are scs's (sessionid.Token). A plain scs application that
// uses redisstore with the same prefix and cookie name reads and writes the
// same sessions; if sessions hold lists, hashes or blessed objects, it must
// import the value model so that gob knows those types:
//
//	import _ "github.com/dancergo/dancergo/compat/perl"
//
// Unlike plain scs, a request that changes some keys of a session does not
// overwrite the others: it saves by compare-and-set (a Lua script) against
// the bytes it loaded, and merges again when another request wrote first.
// A session destroyed meanwhile stays destroyed.
//
// When Redis is down or slower than redis_timeout, every call fails with an
// error wrapping adapter.ErrStore (the request gets a 503); the connection
// pool drops broken connections and recovers by itself when Redis is back.
//
// See docs/engines/redis.md for the settings.
package redis
