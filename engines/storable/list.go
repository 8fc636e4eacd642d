package storable

import (
	"context"
	"errors"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// IDs yields the id of every session file in the directory: files named
// <session_name>_<id>.stor whose id is valid.
func (e *Engine) IDs(ctx context.Context) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		entries, err := os.ReadDir(e.dir)
		if err != nil {
			yield("", storeError("list", err))
			return
		}
		for _, ent := range entries {
			if err := ctx.Err(); err != nil {
				yield("", storeError("list", err))
				return
			}
			if id, ok := e.idOf(ent.Name()); ok && ent.Type().IsRegular() {
				if !yield(id, nil) {
					return
				}
			}
		}
	}
}

// idOf returns the session id a file name stands for.
func (e *Engine) idOf(name string) (string, bool) {
	id, ok := strings.CutPrefix(name, e.name+"_")
	if !ok {
		return "", false
	}
	if id, ok = strings.CutSuffix(id, ".stor"); !ok {
		return "", false
	}
	_, valid := e.path(id)
	return id, valid
}

// Purge deletes the session files not written for longer than olderThan
// (Dancer never deletes them), and the engine's temporary files left that
// long by a crash. It returns how many sessions it deleted.
func (e *Engine) Purge(ctx context.Context, olderThan time.Duration) (int, error) {
	entries, err := os.ReadDir(e.dir)
	if err != nil {
		return 0, storeError("list", err)
	}
	cutoff := time.Now().Add(-olderThan)
	n := 0
	for _, ent := range entries {
		if err := ctx.Err(); err != nil {
			return n, storeError("purge", err)
		}
		name := ent.Name()
		if strings.HasPrefix(name, "."+e.name+"_") && strings.Contains(name, ".stor"+tempSuffix) {
			if fi, err := ent.Info(); err == nil && fi.ModTime().Before(cutoff) {
				_ = os.Remove(filepath.Join(e.dir, name))
			}
			continue
		}
		if _, ok := e.idOf(name); !ok {
			continue
		}
		deleted, err := e.purgeOne(ctx, filepath.Join(e.dir, name), cutoff)
		if err != nil {
			return n, err
		}
		if deleted {
			n++
		}
	}
	return n, nil
}

// purgeOne deletes one session file if, under its lock, it is still older
// than cutoff: a request may have written it since the directory was read.
func (e *Engine) purgeOne(ctx context.Context, p string, cutoff time.Time) (bool, error) {
	lock, err := lockFile(ctx, p)
	if err != nil {
		return false, storeError("lock", err)
	}
	if lock == nil {
		return false, nil
	}
	defer lock.Close()
	fi, err := lock.Stat()
	if err != nil {
		return false, storeError("stat", err)
	}
	if !fi.ModTime().Before(cutoff) {
		return false, nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, storeError("remove", err)
	}
	return true, nil
}
