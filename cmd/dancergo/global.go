package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/engines"
)

// global holds the flags before the command.
type global struct {
	configPath string
	env        string
}

func parseGlobal(args []string) (global, []string, error) {
	var g global
	fs := flag.NewFlagSet("dancergo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&g.configPath, "config", "config.yml", "the application's Dancer config.yml")
	fs.StringVar(&g.env, "env", "", "environment overlay (default: $DANCER_ENVIRONMENT, $PLACK_ENV or development)")
	if err := fs.Parse(args); err != nil {
		return g, nil, fmt.Errorf("%w: %w", errUsage, err)
	}
	return g, fs.Args(), nil
}

// open loads a config.yml and opens the engine it names.
func open(path, env string) (*config.Settings, adapter.Engine, error) {
	s, err := config.Load(path, env)
	if err != nil {
		return nil, nil, err
	}
	e, err := engines.Open(s)
	if err != nil {
		return nil, nil, err
	}
	return s, e, nil
}

// lister returns e's Lister, or an error saying the engine cannot list.
func lister(s *config.Settings, e adapter.Engine) (adapter.Lister, error) {
	l, ok := e.(adapter.Lister)
	if !ok {
		return nil, fmt.Errorf("the %s engine cannot list its sessions", s.Engine)
	}
	return l, nil
}
