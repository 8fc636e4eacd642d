package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/dancergo/dancergo/adapter"
)

// copySessions writes every session of the source engine into the target
// engine under the same id. It never deletes from the source. Sessions
// whose id the target cannot hold, or that do not decode, are skipped and
// counted.
func copySessions(ctx context.Context, g global, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("copy", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	to := fs.String("to", "", "config.yml of the target engine")
	toEnv := fs.String("to-env", "", "environment overlay of the target config")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *to == "" {
		return errUsage
	}
	srcSettings, src, err := open(g.configPath, g.env)
	if err != nil {
		return err
	}
	l, err := lister(srcSettings, src)
	if err != nil {
		return err
	}
	dstSettings, dst, err := open(*to, *toEnv)
	if err != nil {
		return fmt.Errorf("target: %w", err)
	}
	var copied, skipped int
	lastProgress := time.Now()
	for id, err := range l.IDs(ctx) {
		if err != nil {
			return fmt.Errorf("after %d sessions: %w", copied, err)
		}
		if !dst.ValidToken(id) {
			fmt.Fprintf(stderr, "skip %s: not a valid id for the %s engine\n", id, dstSettings.Engine)
			skipped++
			continue
		}
		rec, found, err := src.Load(ctx, id)
		switch {
		case errors.Is(err, adapter.ErrCorrupt):
			fmt.Fprintf(stderr, "skip %s: %v\n", id, err)
			skipped++
			continue
		case err != nil:
			return fmt.Errorf("read %s after %d sessions: %w", id, copied, err)
		case !found: // deleted while we copied
			continue
		}
		rec.Values["id"] = id
		if rec.Deadline.IsZero() {
			rec.Deadline = lifetimeDeadline(dstSettings.Expires)
		}
		rec.Version = nil
		if _, err := dst.Save(ctx, rec, nil); err != nil {
			return fmt.Errorf("write %s after %d sessions: %w", id, copied, err)
		}
		copied++
		if time.Since(lastProgress) > time.Second {
			fmt.Fprintf(stderr, "copied %d sessions...\n", copied)
			lastProgress = time.Now()
		}
	}
	fmt.Fprintf(stdout, "copied %d sessions from %s to %s (%d skipped)\n", copied, srcSettings.Engine, dstSettings.Engine, skipped)
	return nil
}
