//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package yaml

import (
	"context"
	"os"
)

// lockFile does nothing where flock is missing: the engine's writers are
// then serialized within one process only.
func lockFile(ctx context.Context, _ string, _ int) (func(), error) {
	return func() {}, ctx.Err()
}

func sharedLock(ctx context.Context, _ *os.File) error { return ctx.Err() }
