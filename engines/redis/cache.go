package redis

import (
	"bytes"
	"maps"
	"sync"
	"time"
)

// decodedCache remembers, by session id, the bytes this process last read
// from or wrote to Redis and what they decode to. When a GET returns the
// very same bytes, Load skips the codec: for gob, the bulk of a request's
// cost. Redis stays the only truth — an entry is used only when its bytes
// equal what Redis just returned.
//
// Values in the model are never changed in place once stored (the adapter
// replaces a key's value; Get hands out copies), so an entry's map is
// shared by a shallow copy and its nested values are not copied at all.
type decodedCache struct {
	mu      sync.Mutex
	entries map[string]decodedEntry
	size    int // bytes held, raw encodings counted
	limit   int
}

type decodedEntry struct {
	raw      []byte
	deadline time.Time
	values   map[string]any
}

// cacheLimit bounds the raw bytes the cache holds; the decoded values take
// a few times as much.
const cacheLimit = 32 << 20

func newDecodedCache(limit int) *decodedCache {
	return &decodedCache{entries: map[string]decodedEntry{}, limit: limit}
}

// get returns a copy of the values raw decodes to, if raw is what the cache
// holds for id.
func (c *decodedCache) get(id string, raw []byte) (time.Time, map[string]any, bool) {
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if !ok || !bytes.Equal(e.raw, raw) {
		return time.Time{}, nil, false
	}
	return e.deadline, maps.Clone(e.values), true
}

// put remembers that raw, under id, decodes to values. The caller must not
// change values afterwards.
func (c *decodedCache) put(id string, raw []byte, deadline time.Time, values map[string]any) {
	if len(raw) > c.limit/64 {
		c.drop(id) // a huge session would evict everyone else
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[id]; ok {
		c.size -= len(old.raw)
	}
	for id2, e := range c.entries { // evict at random (map order) until it fits
		if c.size+len(raw) <= c.limit {
			break
		}
		delete(c.entries, id2)
		c.size -= len(e.raw)
	}
	c.entries[id] = decodedEntry{raw: raw, deadline: deadline, values: values}
	c.size += len(raw)
}

// drop forgets id.
func (c *decodedCache) drop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[id]; ok {
		delete(c.entries, id)
		c.size -= len(e.raw)
	}
}
