package storable

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/perl"
	storablecodec "github.com/dancergo/dancergo/compat/storable"
	"github.com/dancergo/dancergo/internal/e2e"
	"github.com/dancergo/dancergo/internal/enginetest"
)

func newEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := New(Options{Dir: filepath.Join(t.TempDir(), "sessions")})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestFileAsDancerWrites checks the file a save leaves: its name, its mode,
// and nstore's bytes of the session blessed into Dancer::Session::Storable.
func TestFileAsDancerWrites(t *testing.T) {
	e := newEngine(t)
	id, err := e.NewID()
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]any{"user": "bob", "obj": &perl.Object{Class: "My::User", Value: map[string]any{"name": "alice"}}}
	if _, err := e.Save(context.Background(), enginetest.Record(id, values), nil); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(e.dir, "dancer.session_"+id+".stor")
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(p)
	if !bytes.HasPrefix(b, []byte("pst0\x05\x0b\x11\x19Dancer::Session::Storable\x03")) {
		t.Errorf("file starts %q, want nstore of a Dancer::Session::Storable hash", b[:min(len(b), 40)])
	}
	v, err := storablecodec.UnmarshalFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := (&perl.Object{Class: Class, Value: enginetest.Record(id, values).Values}); !perl.Equal(v, want) {
		t.Errorf("file holds %v, want %v", v, want)
	}
	entries, _ := os.ReadDir(e.dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want the session file alone", len(entries))
	}
}

// TestLoadsFixture reads the file Perl's nstore wrote for the shared
// fixtures.
func TestLoadsFixture(t *testing.T) {
	const id = "123456789012345678901234567890123456"
	dir := e2e.Shared(t, "fixtures", "storable")
	data, err := os.ReadFile(filepath.Join(dir, "dancer.session_"+id+".stor"))
	if err != nil {
		t.Fatal(err)
	}
	meta, err := os.ReadFile(filepath.Join(dir, "dancer.session_"+id+".json"))
	if err != nil {
		t.Fatal(err)
	}
	fx, err := perl.UnmarshalJSON(meta)
	if err != nil {
		t.Fatal(err)
	}
	e := newEngine(t)
	if err := os.WriteFile(filepath.Join(e.dir, "dancer.session_"+id+".stor"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	rec, found, err := e.Load(context.Background(), id)
	if err != nil || !found {
		t.Fatalf("Load = %v, %v", found, err)
	}
	if want := fx.(map[string]any)["value"].(*perl.Object).Value; !perl.Equal(rec.Values, want) {
		t.Errorf("Load = %v\nwant %v", rec.Values, want)
	}
}

// TestPathSafety: whatever the cookie says, only digit ids name files, and
// only files directly inside the directory.
func TestPathSafety(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	for _, id := range []string{"", "../123", "123/456", "..", "12.3", "abc", "123\x00", "1 2",
		"12345678901234567890123456789012345678901234567890123456789012345"} {
		if e.ValidToken(id) {
			t.Errorf("ValidToken(%q) = true", id)
		}
		if _, found, err := e.Load(ctx, id); found || err != nil {
			t.Errorf("Load(%q) = %v, %v", id, found, err)
		}
		if _, err := e.Save(ctx, enginetest.Record(id, nil), nil); err == nil {
			t.Errorf("Save(%q) succeeded", id)
		}
		if err := e.Delete(ctx, id); err != nil {
			t.Errorf("Delete(%q) = %v", id, err)
		}
	}
	// A session name is part of the file name, never a path.
	odd, err := New(Options{Dir: filepath.Join(t.TempDir(), "s"), Name: ".."})
	if err != nil {
		t.Fatal(err)
	}
	p, ok := odd.Path("42")
	if !ok || filepath.Dir(p) != odd.dir {
		t.Errorf("Path = %q, %v: outside %s", p, ok, odd.dir)
	}
	entries, _ := os.ReadDir(e.dir)
	if len(entries) != 0 {
		t.Errorf("invalid ids left %d files", len(entries))
	}
}

// TestCorruptFile: a file that cannot be read is ErrCorrupt (the adapter
// starts a fresh session) and stays where it is.
func TestCorruptFile(t *testing.T) {
	e := newEngine(t)
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"garbage", []byte("not a session")},
		{"truncated", []byte("pst0\x05\x0b\x03\x00\x00\x00\x02")},
		{"frozen string without file magic", []byte("\x05\x0b\x03\x00\x00\x00\x00")},
		{"an array", []byte("pst0\x05\x0b\x02\x00\x00\x00\x00")},
		{"YAML", []byte("--- !!perl/hash:Dancer::Session::YAML\nid: 1\n")},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := fmt.Sprint(100 + i)
			p, _ := e.Path(id)
			if err := os.WriteFile(p, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			_, found, err := e.Load(context.Background(), id)
			if !errors.Is(err, adapter.ErrCorrupt) || found {
				t.Fatalf("Load = %v, %v; want ErrCorrupt", found, err)
			}
			if b, err := os.ReadFile(p); err != nil || !bytes.Equal(b, tt.data) {
				t.Error("the unreadable file was not kept as it was")
			}
		})
	}
}

// TestReadDuringPerlWrite: Perl's nstore truncates the file and then
// writes it. A read that finds the file cut short tries again.
func TestReadDuringPerlWrite(t *testing.T) {
	e := newEngine(t)
	full, err := storablecodec.MarshalFile(&perl.Object{Class: Class, Value: map[string]any{"id": "7", "user": "alice"}})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := e.Path("7")
	if err := os.WriteFile(p, full[:len(full)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		time.Sleep(readPause / 2)
		_, _ = f.WriteAt(full, 0)
	}()
	rec, found, err := e.Load(context.Background(), "7")
	<-done
	if err != nil || !found || rec.Values["user"] != "alice" {
		// The writer may have lost the race for the CPU; what matters is
		// that a complete file reads and a cut one does not pass as valid.
		if !errors.Is(err, adapter.ErrCorrupt) {
			t.Fatalf("Load during a write = %v, %v, %v", rec.Values, found, err)
		}
		t.Logf("the writer was late (%v); reading again", err)
		if rec, found, err = e.Load(context.Background(), "7"); err != nil || !found || rec.Values["user"] != "alice" {
			t.Fatalf("Load after the write = %v, %v, %v", rec.Values, found, err)
		}
	}
}

func TestMergeOnSave(t *testing.T) {
	enginetest.MergeOnSave(t, newEngine(t))
}

// TestConcurrentSaves races saves of one session, each changing its own
// key, through the file lock.
func TestConcurrentSaves(t *testing.T) {
	e := newEngine(t)
	enginetest.ConcurrentSaves(t, e, 40)
	entries, _ := os.ReadDir(e.dir)
	if len(entries) != 1 {
		t.Errorf("%d files left, want 1 (no temporary files)", len(entries))
	}
}

func TestSaveAfterDeleteStaysDeleted(t *testing.T) {
	e := newEngine(t)
	id := enginetest.SaveAfterDelete(t, e)
	if err := e.Delete(context.Background(), id); err != nil {
		t.Errorf("deleting again: %v", err)
	}
}

// TestLockWaitHonoursContext: a save waiting for another writer's lock
// gives up when its request is over.
func TestLockWaitHonoursContext(t *testing.T) {
	e := newEngine(t)
	if _, err := e.Save(context.Background(), enginetest.Record("45", nil), nil); err != nil {
		t.Fatal(err)
	}
	p, _ := e.Path("45")
	held, err := lockFile(context.Background(), p)
	if err != nil || held == nil {
		t.Fatalf("lock: %v", err)
	}
	defer held.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	rec, _, _ := e.Load(context.Background(), "45")
	rec.Values["x"] = "y"
	if _, err := e.Save(ctx, rec, []string{"x"}); !errors.Is(err, adapter.ErrStore) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Save while locked = %v, want ErrStore and the deadline", err)
	}
}

func TestStoreError(t *testing.T) {
	e := newEngine(t)
	if err := os.RemoveAll(e.dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(e.dir, nil, 0o600); err != nil { // a file where the directory was
		t.Fatal(err)
	}
	if _, err := e.Save(context.Background(), enginetest.Record("46", nil), nil); !errors.Is(err, adapter.ErrStore) {
		t.Errorf("Save = %v, want ErrStore", err)
	}
	if _, _, err := e.Load(context.Background(), "46"); !errors.Is(err, adapter.ErrStore) {
		t.Errorf("Load = %v, want ErrStore", err)
	}
}

func TestTooLarge(t *testing.T) {
	e, err := New(Options{Dir: t.TempDir(), MaxSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Save(context.Background(), enginetest.Record("47", map[string]any{"big": string(make([]byte, 200))}), nil)
	if !errors.Is(err, adapter.ErrTooLarge) {
		t.Errorf("Save = %v, want ErrTooLarge", err)
	}
	p, _ := e.Path("48")
	if err := os.WriteFile(p, make([]byte, 200), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Load(context.Background(), "48"); !errors.Is(err, adapter.ErrCorrupt) {
		t.Errorf("Load of an oversized file = %v, want ErrCorrupt", err)
	}
}

func TestListAndPurge(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	for _, id := range []string{"1", "22", "333"} {
		if _, err := e.Save(ctx, enginetest.Record(id, nil), nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"other_4.stor", "dancer.session_5.yml", "dancer.session_abc.stor", ".dancer.session_6.stor.tmp-123", "dancer.session_7.stor.bak"} {
		if err := os.WriteFile(filepath.Join(e.dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	for id, err := range e.IDs(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"1", "22", "333"}) {
		t.Errorf("IDs = %v", ids)
	}
	old := time.Now().Add(-48 * time.Hour)
	for _, name := range []string{"dancer.session_1.stor", "dancer.session_22.stor", ".dancer.session_6.stor.tmp-123"} {
		if err := os.Chtimes(filepath.Join(e.dir, name), old, old); err != nil {
			t.Fatal(err)
		}
	}
	n, err := e.Purge(ctx, 24*time.Hour)
	if err != nil || n != 2 {
		t.Errorf("Purge = %d, %v; want 2", n, err)
	}
	if _, found, _ := e.Load(ctx, "333"); !found {
		t.Error("Purge removed a recent session")
	}
	if _, err := os.Stat(filepath.Join(e.dir, ".dancer.session_6.stor.tmp-123")); err == nil {
		t.Error("Purge left an old temporary file")
	}
	if _, err := os.Stat(filepath.Join(e.dir, "other_4.stor")); err != nil {
		t.Error("Purge removed a file that is not one of its sessions")
	}
}

func TestOpen(t *testing.T) {
	app := t.TempDir()
	s, err := config.FromMap(map[string]any{"session": "Storable", "session_name": "my_sess"}, app)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := Open(s)
	if err != nil {
		t.Fatal(err)
	}
	e := eng.(*Engine)
	if p, _ := e.Path("9"); p != filepath.Join(app, "sessions", "my_sess_9.stor") {
		t.Errorf("Path = %s", p)
	}
	if fi, err := os.Stat(filepath.Join(app, "sessions")); err != nil || !fi.IsDir() {
		t.Errorf("session_dir not created: %v", err)
	}
	s, _ = config.FromMap(map[string]any{"session_dir": "/tmp/../" + app + "/elsewhere"}, app)
	if eng, err = Open(s); err != nil {
		t.Fatal(err)
	}
	if p, _ := eng.(*Engine).Path("9"); p != filepath.Join(app, "elsewhere", "dancer.session_9.stor") {
		t.Errorf("Path = %s", p)
	}
}
