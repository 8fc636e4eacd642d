package redis_test

import (
	"errors"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/engines/redis"
)

func TestReadConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		raw  map[string]any
		want redis.Config
	}{
		{"defaults", map[string]any{},
			redis.Config{Server: "127.0.0.1:6379", Prefix: "scs:session:", Timeout: time.Second}},
		{"all set", map[string]any{
			"redis_server": "redis.internal:6380", "redis_password": "s3cret", "redis_database": 2,
			"redis_prefix": "app:", "redis_pool_size": "16", "redis_timeout": "500ms", "redis_codec": "GOB",
		}, redis.Config{Server: "redis.internal:6380", Password: "s3cret", Database: 2, Prefix: "app:", PoolSize: 16, Timeout: 500 * time.Millisecond}},
		{"url", map[string]any{"redis_server": "redis://:pw@10.0.0.1:6379/3"},
			redis.Config{Server: "redis://:pw@10.0.0.1:6379/3", Prefix: "scs:session:", Timeout: time.Second}},
		{"tls url without port", map[string]any{"redis_server": "rediss://cache.example"},
			redis.Config{Server: "rediss://cache.example", Prefix: "scs:session:", Timeout: time.Second}},
		{"unix socket", map[string]any{"redis_server": "/run/redis/redis.sock"},
			redis.Config{Server: "/run/redis/redis.sock", Prefix: "scs:session:", Timeout: time.Second}},
		{"Dancer durations", map[string]any{"redis_timeout": "2 seconds"},
			redis.Config{Server: "127.0.0.1:6379", Prefix: "scs:session:", Timeout: 2 * time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := config.FromMap(tc.raw, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			got, err := redis.ReadConfig(s)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := got.Codec.(scs.GobCodec); !ok {
				t.Errorf("codec %T, want scs.GobCodec", got.Codec)
			}
			got.Codec = nil
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestReadConfigRejects(t *testing.T) {
	for _, tc := range []struct {
		key   string
		value any
	}{
		{"redis_server", "localhost"},
		{"redis_server", "localhost:99999"},
		{"redis_server", ":6379"},
		{"redis_server", "http://localhost:6379"},
		{"redis_server", "redis://localhost/db"},
		{"redis_server", ""},
		{"redis_server", []any{"a:1"}},
		{"redis_database", "two"},
		{"redis_database", -1},
		{"redis_pool_size", -3},
		{"redis_timeout", "soon"},
		{"redis_timeout", "-2s"},
		{"redis_prefix", ""},
		{"redis_codec", "json"},
	} {
		s, err := config.FromMap(map[string]any{tc.key: tc.value}, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		_, err = redis.ReadConfig(s)
		var ce *config.Error
		if !errors.As(err, &ce) || ce.Key != tc.key {
			t.Errorf("%s: %#v: err = %v, want a config.Error naming the key", tc.key, tc.value, err)
		}
	}
}

// TestOpenDoesNotDial: a Redis that is down at startup is not a startup
// error (requests get 503 until it answers).
func TestOpenDoesNotDial(t *testing.T) {
	s, err := config.FromMap(map[string]any{"session": "Redis", "redis_server": "127.0.0.1:1"}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e, err := redis.Open(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.(*redis.Engine).Close(); err != nil {
		t.Fatal(err)
	}
}
