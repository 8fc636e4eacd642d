// Package engines opens a session engine by its Dancer name, the value of
// the "session" setting in config.yml.
package engines

import (
	"fmt"
	"strings"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/engines/cookie"
	"github.com/dancergo/dancergo/engines/memcached"
	"github.com/dancergo/dancergo/engines/psgi"
	"github.com/dancergo/dancergo/engines/redis"
	"github.com/dancergo/dancergo/engines/simple"
	"github.com/dancergo/dancergo/engines/storable"
	"github.com/dancergo/dancergo/engines/yaml"
)

// An Opener builds an engine from the application's settings.
type Opener func(*config.Settings) (adapter.Engine, error)

// known lists the engines by the names Dancer gives them, sorted.
var known = []struct {
	name string
	open Opener
}{
	{"Cookie", cookie.Open},
	{"Memcached", memcached.Open},
	{"PSGI", psgi.Open},
	{"Redis", redis.Open},
	{"Simple", simple.Open},
	{"Storable", storable.Open},
	{"YAML", yaml.Open},
}

// Open returns the engine that s.Engine names, matched case-insensitively.
func Open(s *config.Settings) (adapter.Engine, error) {
	for _, k := range known {
		if strings.EqualFold(k.name, s.Engine) {
			e, err := k.open(s)
			if err != nil {
				return nil, fmt.Errorf("engines: %s: %w", k.name, err)
			}
			return e, nil
		}
	}
	return nil, &UnknownError{Name: s.Engine}
}

// Names returns the known engine names, sorted.
func Names() []string {
	out := make([]string, len(known))
	for i, k := range known {
		out[i] = k.name
	}
	return out
}

// UnknownError is returned by Open for an engine name it does not know.
type UnknownError struct {
	Name string
}

func (e *UnknownError) Error() string {
	return fmt.Sprintf("engines: unknown session engine %q (known: %s)", e.Name, strings.Join(Names(), ", "))
}
