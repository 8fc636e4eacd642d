package psgi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/storable"
)

// idKey is the key the adapter keeps the session id under.
const idKey = "id"

// version is what Load remembers of a session for Save: the bytes read, to
// see whether anyone wrote since, and the "id" stored in the hash (by
// Dancer::Session::PSGI, or by a Plack app for its own use), which the
// adapter replaces with the session id and Save puts back.
type version struct {
	raw      []byte
	storedID any
	hasID    bool
}

// Load reads the session file of token under a shared lock. A token that is
// not a valid id is not found (no file name is made from it). A file that
// is not a readable session (not Storable, not a hash, a symbolic link,
// another user's file in a directory open to all) is an error wrapping
// adapter.ErrCorrupt, and is left where it is.
func (e *Engine) Load(ctx context.Context, token string) (adapter.Record, bool, error) {
	if !e.ValidToken(token) {
		return adapter.Record{}, false, nil
	}
	if err := ctx.Err(); err != nil {
		return adapter.Record{}, false, storeError("load", err)
	}
	f, err := openSession(e.path(token))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return adapter.Record{}, false, nil
	case errors.Is(err, errSymlink):
		return adapter.Record{}, false, corrupt(token, err)
	case err != nil:
		return adapter.Record{}, false, storeError("load", err)
	}
	defer f.Close()
	if err := e.lock(ctx, f, lockShared); err != nil {
		return adapter.Record{}, false, storeError("load", err)
	}
	b, err := e.read(f)
	switch {
	case isRefusal(err):
		return adapter.Record{}, false, corrupt(token, err)
	case err != nil:
		return adapter.Record{}, false, storeError("load", err)
	}
	values, err := decode(b)
	if err != nil {
		return adapter.Record{}, false, corrupt(token, err)
	}
	v := &version{raw: b}
	v.storedID, v.hasID = values[idKey]
	return adapter.Record{ID: token, Values: values, Version: v}, true, nil
}

// Save writes rec to its file under the exclusive lock. With changed nil,
// rec.Values replaces the session; otherwise only the changed keys are
// applied onto the file as it is now, and a session whose file is gone (a
// logout, a purge) is not brought back. The "id" in rec.Values is the
// adapter's copy of the session id and is not written: the file keeps the
// "id" it had, if any.
func (e *Engine) Save(ctx context.Context, rec adapter.Record, changed []string) (string, error) {
	if !e.ValidToken(rec.ID) {
		return "", ErrInvalidID
	}
	leave, err := e.enter(ctx, rec.ID)
	if err != nil {
		return "", storeError("save", err)
	}
	defer leave()
	f, err := e.lockExisting(ctx, rec.ID)
	if err != nil {
		return "", storeError("save", err)
	}
	if f != nil {
		defer f.Close()
	}
	loaded, _ := rec.Version.(*version)
	values := withStoredID(rec.Values, loaded)
	if changed != nil {
		if f == nil {
			return rec.ID, nil
		}
		current, err := e.read(f)
		if err != nil && !isRefusal(err) {
			return "", storeError("save", err)
		}
		if err == nil && (loaded == nil || !bytes.Equal(current, loaded.raw)) {
			// Another request wrote since this one loaded: apply this
			// request's changes onto what it wrote. (A file that is no
			// longer a session is replaced by this request's view.)
			if stored, err := decode(current); err == nil {
				values = adapter.Merge(stored, rec.Values, withoutID(changed))
			}
		}
	}
	b, err := storable.MarshalFile(values)
	if err != nil {
		return "", fmt.Errorf("psgi: encode session %s: %w", rec.ID, err)
	}
	if int64(len(b)) > e.maxFileSize {
		// Written, it would read back as corrupt: the visitor would lose
		// the whole session instead of this change.
		return "", fmt.Errorf("%w: psgi: session %s would be %d bytes, MaxFileSize %d", adapter.ErrTooLarge, rec.ID, len(b), e.maxFileSize)
	}
	var held *os.File
	if changed != nil {
		held = f
	}
	switch err := e.write(rec.ID, b, held); {
	case errors.Is(err, errGone):
		return rec.ID, nil
	case err != nil:
		return "", storeError("save", err)
	}
	return rec.ID, nil
}

// Delete removes the session file of id, under its exclusive lock so that a
// concurrent Save in this or another Go process cannot bring it back. An id
// that is not valid names no file, and deleting it does nothing.
func (e *Engine) Delete(ctx context.Context, id string) error {
	if !e.ValidToken(id) {
		return nil
	}
	leave, err := e.enter(ctx, id)
	if err != nil {
		return storeError("delete", err)
	}
	defer leave()
	f, err := e.lockExisting(ctx, id)
	if err != nil {
		return storeError("delete", err)
	}
	if f == nil {
		return nil
	}
	defer f.Close()
	if err := os.Remove(e.path(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return storeError("delete", err)
	}
	return nil
}

// decode reads a Storable file image holding a hash (Plack's is plain;
// a blessed one is read too).
func decode(b []byte) (map[string]any, error) {
	v, err := storable.UnmarshalFile(b)
	if err != nil {
		return nil, err
	}
	values, ok := storable.SessionHash(v)
	if !ok {
		return nil, fmt.Errorf("%w (got %T)", storable.ErrNotHash, v)
	}
	if values == nil {
		values = map[string]any{}
	}
	return values, nil
}

// withStoredID returns values with the adapter's "id" replaced by the one
// the file held when loaded, or removed when it held none.
func withStoredID(values map[string]any, loaded *version) map[string]any {
	out := make(map[string]any, len(values))
	for k, v := range values {
		if k != idKey {
			out[k] = v
		}
	}
	if loaded != nil && loaded.hasID {
		out[idKey] = loaded.storedID
	}
	return out
}

// withoutID drops "id" from a list of changed keys: the adapter never
// changes it, and Go never writes its own.
func withoutID(keys []string) []string {
	out := keys[:0:0]
	for _, k := range keys {
		if k != idKey {
			out = append(out, k)
		}
	}
	return out
}

func corrupt(id string, err error) error {
	return fmt.Errorf("%w: psgi: session %s: %w", adapter.ErrCorrupt, id, err)
}

func storeError(op string, err error) error {
	return fmt.Errorf("%w: psgi: %s: %w", adapter.ErrStore, op, err)
}
