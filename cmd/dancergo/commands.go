package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/perl"
)

func list(ctx context.Context, g global, args []string, stdout io.Writer) error {
	if len(args) != 0 {
		return errUsage
	}
	s, e, err := open(g.configPath, g.env)
	if err != nil {
		return err
	}
	l, err := lister(s, e)
	if err != nil {
		return err
	}
	for id, err := range l.IDs(ctx) {
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, id)
	}
	return nil
}

func show(ctx context.Context, g global, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errUsage
	}
	_, e, err := open(g.configPath, g.env)
	if err != nil {
		return err
	}
	rec, err := load(ctx, e, args[0])
	if err != nil {
		return err
	}
	out, err := perl.MarshalJSON(rec.Values)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", out)
	return err
}

func deleteSession(ctx context.Context, g global, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errUsage
	}
	_, e, err := open(g.configPath, g.env)
	if err != nil {
		return err
	}
	if _, err := load(ctx, e, args[0]); err != nil && !errors.Is(err, adapter.ErrCorrupt) {
		return err
	}
	if err := e.Delete(ctx, args[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "deleted %s\n", args[0])
	return nil
}

func purge(ctx context.Context, g global, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("purge", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	olderThan := fs.Duration("older-than", 0, "delete sessions not written for this long (default: the session lifetime)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return errUsage
	}
	s, e, err := open(g.configPath, g.env)
	if err != nil {
		return err
	}
	p, ok := e.(adapter.Purger)
	if !ok {
		return fmt.Errorf("the %s engine expires its sessions by itself: nothing to purge", s.Engine)
	}
	age := *olderThan
	if age <= 0 {
		age = s.Expires
	}
	if age <= 0 {
		age = adapter.DefaultLifetime
	}
	n, err := p.Purge(ctx, age)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "purged %d sessions older than %v\n", n, age)
	return nil
}

// load reads one session by id, checking the id first.
func load(ctx context.Context, e adapter.Engine, id string) (adapter.Record, error) {
	if !e.ValidToken(id) {
		return adapter.Record{}, fmt.Errorf("%q is not a session id of this engine", id)
	}
	rec, found, err := e.Load(ctx, id)
	if err != nil {
		return adapter.Record{}, err
	}
	if !found {
		return adapter.Record{}, fmt.Errorf("no session %s", id)
	}
	if rec.Values == nil {
		rec.Values = map[string]any{}
	}
	rec.Values["id"] = rec.ID
	return rec, nil
}

// lifetimeDeadline is the deadline a copied session gets when its source
// keeps none.
func lifetimeDeadline(lifetime time.Duration) time.Time {
	if lifetime <= 0 {
		lifetime = adapter.DefaultLifetime
	}
	return time.Now().Add(lifetime)
}
