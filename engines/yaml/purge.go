package yaml

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// IDs yields the id of every session file in the directory: the regular
// files named like a session (as Purge knows them) whose id this engine
// accepts.
func (e *Engine) IDs(ctx context.Context) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		entries, err := os.ReadDir(e.dir)
		if err != nil {
			yield("", err)
			return
		}
		for _, entry := range entries {
			if err := ctx.Err(); err != nil {
				yield("", err)
				return
			}
			id, ok := sessionFileID(entry.Name())
			if ok && e.ids.Valid(id) && entry.Type().IsRegular() {
				if !yield(id, nil) {
					return
				}
			}
		}
	}
}

// Purge deletes the session files not written for longer than olderThan
// (Dancer never deletes them) and returns how many it deleted.
func (e *Engine) Purge(ctx context.Context, olderThan time.Duration) (int, error) {
	return Purge(ctx, e.dir, olderThan)
}

// Purge deletes from dir the session files not written for longer than
// olderThan, and the temporary files a crashed Go writer left there. It
// touches only regular files named like a session of either flavour (a
// Dancer 1 id, decimal digits, or a Dancer2 id, 32 characters of base64url,
// followed by .yml) or like this package's temporary files. A file written
// meanwhile is kept: each is checked again under the session's lock.
func Purge(ctx context.Context, dir string, olderThan time.Duration) (removed int, err error) {
	if olderThan <= 0 {
		return 0, fmt.Errorf("yaml: purge: age %v is not positive", olderThan)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("yaml: purge: %w", err)
	}
	cutoff := time.Now().Add(-olderThan)
	lockDir := filepath.Join(dir, lockDir)
	for _, entry := range entries {
		if err := ctx.Err(); err != nil {
			return removed, err
		}
		name := entry.Name()
		id, isSession := sessionFileID(name)
		if !isSession && !isTempFile(name) || !entry.Type().IsRegular() {
			continue
		}
		if !olderFile(filepath.Join(dir, name), cutoff) {
			continue
		}
		gone, err := removeIfOld(ctx, lockDir, filepath.Join(dir, name), id, cutoff)
		if err != nil {
			return removed, fmt.Errorf("yaml: purge: %w", err)
		}
		if gone {
			removed++
		}
	}
	return removed, nil
}

// removeIfOld removes a file still older than cutoff, under the lock of its
// session (id is empty for a temporary file).
func removeIfOld(ctx context.Context, lockDir, path, id string, cutoff time.Time) (bool, error) {
	if id != "" {
		release, err := lockFile(ctx, lockDir, stripe(id))
		if err != nil {
			return false, err
		}
		defer release()
		if !olderFile(path, cutoff) {
			return false, nil
		}
	}
	err := os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

func olderFile(path string, cutoff time.Time) bool {
	info, err := os.Lstat(path)
	return err == nil && info.Mode().IsRegular() && info.ModTime().Before(cutoff)
}

// sessionFileID returns the id of a session file's name: digits (Dancer 1)
// or 32 base64url characters (Dancer2), then .yml.
func sessionFileID(name string) (string, bool) {
	id, ok := strings.CutSuffix(name, suffix)
	if !ok || id == "" {
		return "", false
	}
	digits, b64 := len(id) <= 64, len(id) == 32
	for i := 0; i < len(id); i++ {
		c := id[i]
		isDigit := c >= '0' && c <= '9'
		digits = digits && isDigit
		b64 = b64 && (isDigit || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_')
	}
	return id, digits || b64
}

func isTempFile(name string) bool {
	return strings.HasPrefix(name, tempPrefix) && strings.HasSuffix(name, tempSuffix)
}
