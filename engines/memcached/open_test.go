package memcached

import (
	"errors"
	"testing"
	"time"

	"github.com/dancergo/dancergo/compat/config"
)

func TestOpen(t *testing.T) {
	tests := []struct {
		name    string
		raw     map[string]any
		servers int
		expire  time.Duration
		timeout time.Duration
	}{
		{"comma list", map[string]any{"memcached_servers": "127.0.0.1:11211,127.0.0.1:11212, /tmp/mc.sock"}, 3, 0, DefaultTimeout},
		{"yaml list", map[string]any{"memcached_servers": []any{"127.0.0.1:11211"}}, 1, 0, DefaultTimeout},
		{"expire", map[string]any{"memcached_servers": "127.0.0.1:1", "memcached_expire": "2 hours"}, 1, 2 * time.Hour, DefaultTimeout},
		{"expire 0 is Dancer's none", map[string]any{"memcached_servers": "127.0.0.1:1", "memcached_expire": 0}, 1, NoExpiry, DefaultTimeout},
		{"timeout", map[string]any{"memcached_servers": "127.0.0.1:1", "memcached_timeout": "2s"}, 1, 0, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := config.FromMap(tt.raw, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			eng, err := Open(s)
			if err != nil {
				t.Fatal(err)
			}
			e := eng.(*Engine)
			if len(e.selector.addrs) != tt.servers || e.expire != tt.expire || e.client.Timeout != tt.timeout {
				t.Errorf("servers %d, expire %v, timeout %v", len(e.selector.addrs), e.expire, e.client.Timeout)
			}
		})
	}
}

func TestOpenRejects(t *testing.T) {
	for name, raw := range map[string]map[string]any{
		"no servers":       {},
		"empty servers":    {"memcached_servers": " , "},
		"ip without port":  {"memcached_servers": "10.0.0.1"},
		"bad expire":       {"memcached_servers": "127.0.0.1:1", "memcached_expire": "someday"},
		"servers not list": {"memcached_servers": map[string]any{"a": 1}},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := config.FromMap(raw, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			_, err = Open(s)
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Errorf("Open = %v, want a *config.Error", err)
			}
		})
	}
}
