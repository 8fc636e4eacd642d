// Command dancergo looks after the sessions of a Dancer application (Perl or
// Go) from the command line, reading the same config.yml:
//
//	dancergo [-config config.yml] [-env ENV] list
//	dancergo [-config config.yml] [-env ENV] show ID
//	dancergo [-config config.yml] [-env ENV] delete ID
//	dancergo [-config config.yml] [-env ENV] purge [-older-than DURATION]
//	dancergo [-config config.yml] [-env ENV] copy -to OTHER.yml [-to-env ENV]
//
// list prints one id a line (engines that can enumerate: files, Redis);
// show prints a session as JSON; purge deletes sessions not written for
// longer than a duration (default: the session lifetime); copy writes every
// session of this engine into the engine OTHER.yml names, keeping ids, so a
// store can be changed without logging anyone out. Nothing is deleted from
// the source by a copy.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "dancergo:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage: dancergo [-config config.yml] [-env ENV] list | show ID | delete ID | purge [-older-than DURATION] | copy -to OTHER.yml [-to-env ENV]")

// run is the whole program, with its arguments and outputs, for tests.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	g, rest, err := parseGlobal(args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return errUsage
	}
	cmd, cmdArgs := rest[0], rest[1:]
	switch cmd {
	case "list":
		return list(ctx, g, cmdArgs, stdout)
	case "show":
		return show(ctx, g, cmdArgs, stdout)
	case "delete":
		return deleteSession(ctx, g, cmdArgs, stdout)
	case "purge":
		return purge(ctx, g, cmdArgs, stdout)
	case "copy":
		return copySessions(ctx, g, cmdArgs, stdout, stderr)
	}
	return fmt.Errorf("%w (unknown command %q)", errUsage, cmd)
}
