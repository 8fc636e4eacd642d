package yaml

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"time"

	"github.com/dancergo/dancergo/adapter"
)

// Load reads the session file of token. An id that is not valid, or has no
// file, is not found. A file that is empty or not YAML is adapter.ErrCorrupt
// (and is left where it is).
func (e *Engine) Load(ctx context.Context, token string) (adapter.Record, bool, error) {
	if err := ctx.Err(); err != nil {
		return adapter.Record{}, false, fmt.Errorf("%w: %w", adapter.ErrStore, err)
	}
	p, err := e.path(token)
	if err != nil {
		return adapter.Record{}, false, nil // no file can have that name
	}
	data, err := readSession(ctx, p)
	if errors.Is(err, fs.ErrNotExist) {
		return adapter.Record{}, false, nil
	}
	if err != nil {
		return adapter.Record{}, false, fmt.Errorf("%w: %w", adapter.ErrStore, err)
	}
	values, err := e.decode(p, data)
	if err != nil {
		return adapter.Record{}, false, err
	}
	return adapter.Record{ID: token, Values: values, Version: data}, true, nil
}

func (e *Engine) decode(path string, data []byte) (map[string]any, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: %s is empty", adapter.ErrCorrupt, path)
	}
	_, values, err := e.codec.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", adapter.ErrCorrupt, path, err)
	}
	return values, nil
}

// emptyRetries is how often a read that finds an empty file tries again:
// Dancer2 truncates a session file before it locks it to write it, so a
// reader can come between the two.
const emptyRetries = 3

// readSession reads a session file under a shared flock, as Dancer2 reads
// its files, waiting for the lock and between tries no longer than ctx
// allows.
func readSession(ctx context.Context, path string) ([]byte, error) {
	for try := 0; ; try++ {
		data, err := readLocked(ctx, path)
		if err != nil || len(data) > 0 || try == emptyRetries {
			return data, err
		}
		t := time.NewTimer(time.Duration(try+1) * 5 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

func readLocked(ctx context.Context, path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil {
		return nil, err
	} else if !info.Mode().IsRegular() {
		// Not a session, whatever its name (Dancer checks -f too).
		return nil, fmt.Errorf("%s is not a regular file: %w", path, fs.ErrNotExist)
	}
	if err := sharedLock(ctx, f); err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return io.ReadAll(f)
}

// Save writes rec to its file. With changed not nil it first re-reads the
// file and applies only the changed keys onto it, under the session's lock,
// so that concurrent Go requests lose nothing; when the file is gone (the
// session was destroyed meanwhile, here or by Perl), it is not brought back.
func (e *Engine) Save(ctx context.Context, rec adapter.Record, changed []string) (string, error) {
	p, err := e.path(rec.ID)
	if err != nil {
		return "", err
	}
	unlock, err := e.locks.lock(ctx, rec.ID)
	if err != nil {
		return "", fmt.Errorf("%w: %w", adapter.ErrStore, err)
	}
	defer unlock()
	values := rec.Values
	if changed != nil {
		data, err := readSession(ctx, p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return rec.ID, nil
		case err != nil:
			return "", fmt.Errorf("%w: %w", adapter.ErrStore, err)
		}
		if loaded, _ := rec.Version.([]byte); !bytes.Equal(data, loaded) {
			// Another request wrote the file since this one read it.
			current, err := e.decode(p, data)
			if err != nil {
				e.logger.Warn("dancergo: session file is corrupt; replacing it with this request's session", "error", adapter.RedactID(err.Error(), rec.ID))
			} else {
				values = adapter.Merge(current, rec.Values, changed)
			}
		}
	}
	b, err := e.codec.Encode(rec.Deadline, e.fileValues(values, rec.ID))
	if err != nil {
		return "", fmt.Errorf("dancergo: encode session: %w", err)
	}
	if e.maxSize > 0 && len(b) > e.maxSize {
		return "", fmt.Errorf("%w: %d bytes of YAML, limit %d", adapter.ErrTooLarge, len(b), e.maxSize)
	}
	if err := writeAtomic(e.dir, p, b); err != nil {
		return "", fmt.Errorf("%w: %w", adapter.ErrStore, err)
	}
	return rec.ID, nil
}

// fileValues is what the file holds: Dancer 1 keeps the id under "id",
// Dancer2 keeps no id in the data. values itself is not changed.
func (e *Engine) fileValues(values map[string]any, id string) map[string]any {
	stored, has := values["id"]
	if e.dancer2 {
		if !has {
			return values
		}
		out := maps.Clone(values)
		delete(out, "id")
		return out
	}
	if s, ok := stored.(string); ok && s == id {
		return values
	}
	out := maps.Clone(values)
	if out == nil {
		out = map[string]any{}
	}
	out["id"] = id
	return out
}

// tempPattern names the temporary files: hidden, and never a session's
// name, so that listing and purging tell them apart.
const (
	tempPrefix  = ".dancergo-"
	tempSuffix  = ".tmp"
	tempPattern = tempPrefix + "*" + tempSuffix
)

// writeAtomic writes b to path through a temporary file in dir (mode 0600,
// as Perl's File::Temp makes it) renamed over path, and removes the
// temporary file if anything fails.
func writeAtomic(dir, path string, b []byte) (err error) {
	f, err := os.CreateTemp(dir, tempPattern)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// Delete removes the session file of id; a missing file is not an error.
func (e *Engine) Delete(ctx context.Context, id string) error {
	p, err := e.path(id)
	if err != nil {
		return nil // no file can have that name
	}
	unlock, err := e.locks.lock(ctx, id)
	if err != nil {
		return fmt.Errorf("%w: %w", adapter.ErrStore, err)
	}
	defer unlock()
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %w", adapter.ErrStore, err)
	}
	return nil
}
