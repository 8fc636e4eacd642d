package psgi_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/compat/storable"
)

// FuzzLoad writes arbitrary bytes as a session file: Load must return the
// session or an error wrapping ErrCorrupt, never panic or fail otherwise,
// and a session it returns must survive a Save and a second Load.
func FuzzLoad(f *testing.F) {
	for _, fx := range plackFixtures(f) {
		b, err := os.ReadFile(fx.path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	goWritten, _ := storable.MarshalFile(map[string]any{"user": "alice", "list": []any{int64(1), nil, "x"}, "o": &perl.Object{Class: "C", Value: map[string]any{}}})
	f.Add(goWritten)
	f.Add([]byte{})
	f.Add([]byte("pst0"))
	f.Add([]byte("pst0\x05\x0b\x03\x7f\xff\xff\xff"))

	e := newEngine(f)
	id, _ := e.NewID()
	path := filepath.Join(e.Dir(), id)
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		rec, found, err := e.Load(ctx, id)
		if err != nil {
			if !errors.Is(err, adapter.ErrCorrupt) {
				t.Fatalf("Load: %v, want nil or ErrCorrupt", err)
			}
			return
		}
		if !found || rec.Values == nil {
			t.Fatalf("Load of an existing file: found %v, values %v", found, rec.Values)
		}
		want := perl.Clone(rec.Values).(map[string]any)
		rec.Values["id"] = id
		if _, err := e.Save(ctx, rec, nil); err != nil {
			t.Fatalf("Save of a loaded session: %v", err)
		}
		again := mustLoad(t, e, id)
		if !perl.Equal(again.Values, want) {
			t.Fatalf("after Save: %v, want %v", again.Values, want)
		}
	})
}
