package psgi_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/compat/storable"
	"github.com/dancergo/dancergo/engines/psgi"
)

var ctx = context.Background()

func TestLoadsPlackFixtures(t *testing.T) {
	for _, fx := range plackFixtures(t) {
		t.Run(fx.id, func(t *testing.T) {
			e := newEngine(t)
			copyFile(t, fx.path, e.Dir(), fx.id)
			rec := mustLoad(t, e, fx.id)
			if rec.ID != fx.id {
				t.Errorf("ID = %q", rec.ID)
			}
			if !perl.Equal(rec.Values, fx.value) {
				got, _ := perl.MarshalJSON(rec.Values)
				want, _ := perl.MarshalJSON(fx.value)
				t.Fatalf("decoded\n%s\nwant\n%s", got, want)
			}
			if _, ok := rec.Values["id"]; ok {
				t.Error(`Plack's hash has no "id" key, but one was decoded`)
			}
		})
	}
}

// storedHash reads a session file back with the storable package, as a
// check independent of Load.
func storedHash(t *testing.T, e *psgi.Engine, id string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(e.Dir(), id))
	if err != nil {
		t.Fatal(err)
	}
	// lock_nstore of an unblessed hash: file magic, network order 2.11,
	// SX_HASH.
	if !bytes.HasPrefix(b, []byte("pst0\x05\x0b\x03")) {
		t.Fatalf("file starts % x, want pst0 05 0b 03 (nstore of a plain hash)", b[:min(len(b), 8)])
	}
	v, err := storable.UnmarshalFile(b)
	if err != nil {
		t.Fatal(err)
	}
	return v.(map[string]any)
}

func TestSaveLoadRoundTrip(t *testing.T) {
	e := newEngine(t)
	id, err := e.NewID()
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]any{
		"id":      id, // the adapter's copy of the id: not written
		"user":    "alice",
		"n":       int64(-7),
		"big":     "18446744073709551615",
		"float":   "0.1",
		"undef":   nil,
		"utf8":    "caf\u00e9 \u263a",
		"latin1":  "\u00e9\u00ff",
		"nested":  map[string]any{"list": []any{int64(1), "two", []any{}, map[string]any{}}},
		"object":  &perl.Object{Class: "My::User", Value: map[string]any{"name": "bob"}},
		"ref":     &perl.Ref{Value: "scalar"},
		"empty":   "",
		"newline": "a\nb",
	}
	mustSave(t, e, adapter.Record{ID: id, Values: values}, nil)
	want := perl.Clone(values).(map[string]any)
	delete(want, "id")
	if got := storedHash(t, e, id); !perl.Equal(got, want) {
		t.Fatalf("file holds %v, want %v", got, want)
	}
	if rec := mustLoad(t, e, id); !perl.Equal(rec.Values, want) {
		t.Fatalf("loaded %v, want %v", rec.Values, want)
	}
}

func TestIDKey(t *testing.T) {
	e := newEngine(t)
	id, _ := e.NewID()
	// A file as Dancer::Session::PSGI leaves it: Dancer's own number under
	// "id".
	b, err := storable.MarshalFile(map[string]any{"id": "123456789012345678901234567890", "user": "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.Dir(), id), b, 0o644); err != nil {
		t.Fatal(err)
	}

	rec := mustLoad(t, e, id)
	rec.Values["id"] = id // as the adapter does
	rec.Values["cart"] = int64(3)
	mustSave(t, e, rec, []string{"cart"})
	got := storedHash(t, e, id)
	if got["id"] != "123456789012345678901234567890" || got["cart"] != int64(3) || got["user"] != "alice" {
		t.Fatalf("after a merge: %v; the stored id must stay Dancer's", got)
	}

	// A whole save of a loaded session keeps the stored id too.
	rec = mustLoad(t, e, id)
	rec.Values["id"] = id
	rec.Values["user"] = "bob"
	mustSave(t, e, rec, nil)
	if got := storedHash(t, e, id); got["id"] != "123456789012345678901234567890" || got["user"] != "bob" {
		t.Fatalf("after a whole save: %v", got)
	}

	// A session made in Go has no "id" at all, as Plack's own.
	fresh, _ := e.NewID()
	mustSave(t, e, adapter.Record{ID: fresh, Values: map[string]any{"id": fresh, "user": "carol"}}, nil)
	if got := storedHash(t, e, fresh); len(got) != 1 || got["user"] != "carol" {
		t.Fatalf("new session file holds %v, want only user", got)
	}
}

func TestMergeKeepsOtherWriters(t *testing.T) {
	e := newEngine(t)
	id, _ := e.NewID()
	mustSave(t, e, adapter.Record{ID: id, Values: map[string]any{"a": "1", "b": "2", "c": "3"}}, nil)

	mine := mustLoad(t, e, id)
	theirs := mustLoad(t, e, id)
	theirs.Values["b"] = "theirs"
	theirs.Values["d"] = "new"
	mustSave(t, e, theirs, []string{"b", "d"})

	mine.Values["a"] = "mine"
	delete(mine.Values, "c")
	mustSave(t, e, mine, []string{"a", "c"})

	want := map[string]any{"a": "mine", "b": "theirs", "d": "new"}
	if got := storedHash(t, e, id); !perl.Equal(got, want) {
		t.Fatalf("merged %v, want %v", got, want)
	}
}

func TestDelete(t *testing.T) {
	e := newEngine(t)
	id, _ := e.NewID()
	mustSave(t, e, adapter.Record{ID: id, Values: map[string]any{"user": "alice"}}, nil)
	rec := mustLoad(t, e, id)
	if err := e.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, found, err := e.Load(ctx, id); found || err != nil {
		t.Fatalf("after Delete: found %v, %v", found, err)
	}
	// A request that loaded before the delete does not bring it back.
	rec.Values["late"] = "write"
	mustSave(t, e, rec, []string{"late"})
	if _, err := os.Stat(filepath.Join(e.Dir(), id)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a merge after Delete recreated the file: %v", err)
	}
	if err := e.Delete(ctx, id); err != nil {
		t.Fatalf("deleting an absent session: %v", err)
	}
}

func TestHostileIDs(t *testing.T) {
	valid := strings.Repeat("ab", 20)
	for name, id := range map[string]string{
		"parent path":         "../../x",
		"parent, 40 chars":    "../" + valid[:37],
		"slash inside":        valid[:20] + "/" + valid[:19],
		"uppercase hex":       strings.ToUpper(valid),
		"39 chars":            valid[:39],
		"41 chars":            valid + "a",
		"very long":           strings.Repeat("a", 1<<16),
		"empty":               "",
		"NUL":                 valid[:39] + "\x00",
		"newline (Plack \\Z)": valid + "\n",
		"dot":                 ".",
		"temp file name":      "." + valid + ".tmp-1",
	} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "sessions")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			// Something a traversal would find, outside the directory.
			b, _ := storable.MarshalFile(map[string]any{"secret": "outside"})
			if err := os.WriteFile(filepath.Join(root, "x"), b, 0o600); err != nil {
				t.Fatal(err)
			}
			e, err := psgi.New(psgi.Options{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if e.ValidToken(id) {
				t.Fatal("ValidToken accepted it")
			}
			if rec, found, err := e.Load(ctx, id); found || err != nil || rec.Values != nil {
				t.Fatalf("Load = %v, %v, %v", rec, found, err)
			}
			if _, err := e.Save(ctx, adapter.Record{ID: id, Values: map[string]any{"k": "v"}}, nil); !errors.Is(err, psgi.ErrInvalidID) {
				t.Fatalf("Save: %v, want ErrInvalidID", err)
			}
			if err := e.Delete(ctx, id); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if names := dirNames(t, root); len(names) != 2 {
				t.Fatalf("outside the directory: %v", names)
			}
			if names := dirNames(t, dir); len(names) != 0 {
				t.Fatalf("inside the directory: %v", names)
			}
		})
	}
}

func TestSymlinkIsNotFollowed(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "sessions")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	secret, _ := storable.MarshalFile(map[string]any{"user": "admin"})
	outside := filepath.Join(root, "planted")
	if err := os.WriteFile(outside, secret, 0o600); err != nil {
		t.Fatal(err)
	}
	e, err := psgi.New(psgi.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := e.NewID()
	if err := os.Symlink(outside, filepath.Join(dir, id)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Load(ctx, id); !errors.Is(err, adapter.ErrCorrupt) {
		t.Fatalf("Load through a symlink: %v, want ErrCorrupt", err)
	}
	// Writing and deleting never reach through the link either.
	_, _ = e.Save(ctx, adapter.Record{ID: id, Values: map[string]any{"user": "x"}}, []string{"user"})
	_, _ = e.Save(ctx, adapter.Record{ID: id, Values: map[string]any{"user": "y"}}, nil)
	_ = e.Delete(ctx, id)
	if b, err := os.ReadFile(outside); err != nil || !bytes.Equal(b, secret) {
		t.Fatalf("the file outside changed: %v", err)
	}
}

func TestFIFOIsRefusedWithoutBlocking(t *testing.T) {
	e := newEngine(t)
	id, _ := e.NewID()
	if err := syscall.Mkfifo(filepath.Join(e.Dir(), id), 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if _, _, err := e.Load(ctx, id); !errors.Is(err, adapter.ErrCorrupt) {
		t.Fatalf("Load of a FIFO: %v, want ErrCorrupt", err)
	}
}

func TestCorruptFilesAreKept(t *testing.T) {
	good, err := storable.MarshalFile(map[string]any{"user": "alice", "n": int64(1)})
	if err != nil {
		t.Fatal(err)
	}
	array, _ := storable.MarshalFile([]any{"not", "a", "hash"})
	frozen, _ := storable.Marshal(map[string]any{"user": "alice"}) // nfreeze, no file magic
	for name, content := range map[string][]byte{
		"empty":             {},
		"magic only":        []byte("pst0"),
		"garbage":           []byte("this is not Storable"),
		"truncated":         good[:len(good)-3],
		"not a hash":        array,
		"no file magic":     frozen,
		"huge hash count":   []byte("pst0\x05\x0b\x03\x7f\xff\xff\xff"),
		"huge string":       []byte("pst0\x05\x0b\x03\x00\x00\x00\x01\x0a\xff"),
		"huge long string":  []byte("pst0\x05\x0b\x03\x00\x00\x00\x01\x01\x7f\xff\xff\xff"),
		"trailing bytes":    append(append([]byte{}, good...), 0),
		"over the size cap": append(append([]byte{}, good...), make([]byte, 1024)...),
	} {
		t.Run(name, func(t *testing.T) {
			e, err := psgi.New(psgi.Options{Dir: t.TempDir(), MaxFileSize: int64(len(good) + 512)})
			if err != nil {
				t.Fatal(err)
			}
			id, _ := e.NewID()
			path := filepath.Join(e.Dir(), id)
			if err := os.WriteFile(path, content, 0o644); err != nil {
				t.Fatal(err)
			}
			_, found, err := e.Load(ctx, id)
			if !errors.Is(err, adapter.ErrCorrupt) || found {
				t.Fatalf("Load = found %v, %v; want ErrCorrupt", found, err)
			}
			if b, _ := os.ReadFile(path); !bytes.Equal(b, content) {
				t.Fatal("the corrupt file was changed")
			}
		})
	}
}

func TestFileModeAndNoTempFiles(t *testing.T) {
	for _, tc := range []struct {
		mode os.FileMode
		want os.FileMode
	}{
		{0, 0o600},
		{0o640, 0o640},
	} {
		e, err := psgi.New(psgi.Options{Dir: t.TempDir(), FileMode: tc.mode})
		if err != nil {
			t.Fatal(err)
		}
		id, _ := e.NewID()
		// A file Plack made, world-readable as Plack leaves them.
		b, _ := storable.MarshalFile(map[string]any{"user": "alice"})
		path := filepath.Join(e.Dir(), id)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		rec := mustLoad(t, e, id)
		rec.Values["k"] = "v"
		mustSave(t, e, rec, []string{"k"})
		other, _ := e.NewID()
		mustSave(t, e, adapter.Record{ID: other, Values: map[string]any{"k": "v"}}, nil)
		for _, f := range []string{id, other} {
			fi, err := os.Stat(filepath.Join(e.Dir(), f))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != tc.want {
				t.Errorf("mode of %s = %v, want %v", f, fi.Mode().Perm(), tc.want)
			}
		}
		if names := dirNames(t, e.Dir()); len(names) != 2 {
			t.Fatalf("directory holds %v, want the two sessions only", names)
		}
	}
}

func TestOpenReadsSettings(t *testing.T) {
	app := t.TempDir()
	if err := os.Mkdir(filepath.Join(app, "plack-sessions"), 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(app, "afile")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		raw        map[string]any
		dir        string
		cookieName string
		wantErr    bool
	}{
		{"relative dir, default cookie", map[string]any{"psgi_session_dir": "plack-sessions"}, filepath.Join(app, "plack-sessions"), "plack_session", false},
		{"absolute dir, own cookie", map[string]any{"psgi_session_dir": filepath.Join(app, "plack-sessions"), "psgi_cookie_name": "my_sess"}, filepath.Join(app, "plack-sessions"), "my_sess", false},
		{"session_name does not apply", map[string]any{"psgi_session_dir": "plack-sessions", "session_name": "dancer.session"}, filepath.Join(app, "plack-sessions"), "plack_session", false},
		{"missing dir", map[string]any{"psgi_session_dir": "nope"}, "", "", true},
		{"a file, not a dir", map[string]any{"psgi_session_dir": file}, "", "", true},
		{"bad cookie name", map[string]any{"psgi_session_dir": "plack-sessions", "psgi_cookie_name": "a b"}, "", "", true},
		{"dir not a string", map[string]any{"psgi_session_dir": []any{"x"}}, "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := map[string]any{"session": "PSGI"}
			for k, v := range tc.raw {
				raw[k] = v
			}
			s, err := config.FromMap(raw, app)
			if err != nil {
				t.Fatal(err)
			}
			eng, err := psgi.Open(s)
			if tc.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			e := eng.(*psgi.Engine)
			if e.Dir() != tc.dir {
				t.Errorf("Dir = %q, want %q", e.Dir(), tc.dir)
			}
			if m := adapter.New(e, s); m.Cookie.Name != tc.cookieName {
				t.Errorf("cookie name = %q, want %q", m.Cookie.Name, tc.cookieName)
			}
		})
	}
}

func TestDefaultDirIsPlacks(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	e, err := psgi.New(psgi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e.Dir() != tmp {
		t.Fatalf("Dir = %q, want $TMPDIR %q", e.Dir(), tmp)
	}
}

func TestSharedDirTrustsOwnFilesOnly(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("making a file owned by another user needs root")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o1777); err != nil { // like /tmp
		t.Fatal(err)
	}
	e, err := psgi.New(psgi.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := storable.MarshalFile(map[string]any{"user": "admin"})
	mine, _ := e.NewID()
	planted, _ := e.NewID()
	for _, id := range []string{mine, planted} {
		if err := os.WriteFile(filepath.Join(dir, id), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chown(filepath.Join(dir, planted), 65534, 65534); err != nil {
		t.Fatal(err)
	}
	mustLoad(t, e, mine)
	if _, _, err := e.Load(ctx, planted); !errors.Is(err, adapter.ErrCorrupt) {
		t.Fatalf("a file planted by another user in a world-writable dir: %v, want ErrCorrupt", err)
	}
	var listed []string
	for id, err := range e.IDs(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, id)
	}
	if len(listed) != 1 || listed[0] != mine {
		t.Fatalf("IDs = %v, want only %s", listed, mine)
	}

	// In a private directory, files of other users (a Perl app running as
	// another user of the group) are sessions.
	private := t.TempDir()
	e2, err := psgi.New(psgi.Options{Dir: private})
	if err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(dir, planted), private, planted)
	if err := os.Chown(filepath.Join(private, planted), 65534, 65534); err != nil {
		t.Fatal(err)
	}
	mustLoad(t, e2, planted)
}

// TestSaveRefusesWhatLoadWouldRefuse: a session whose file would be larger
// than MaxFileSize is refused at Save with ErrTooLarge, leaving the stored
// file as it was; written, it would read back as corrupt and the visitor
// would lose the whole session at the next request.
func TestSaveRefusesWhatLoadWouldRefuse(t *testing.T) {
	dir := t.TempDir()
	e, err := psgi.New(psgi.Options{Dir: dir, MaxFileSize: 1024})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := e.NewID()
	mustSave(t, e, adapter.Record{ID: id, Values: map[string]any{"user": "alice"}}, nil)
	before, err := os.ReadFile(filepath.Join(dir, id))
	if err != nil {
		t.Fatal(err)
	}
	for _, changed := range [][]string{nil, {"big"}} {
		rec := mustLoad(t, e, id)
		rec.Values["big"] = strings.Repeat("x", 2000)
		if _, err := e.Save(ctx, rec, changed); !errors.Is(err, adapter.ErrTooLarge) {
			t.Errorf("Save (changed %v) of a 2 KB session with MaxFileSize 1024 = %v, want ErrTooLarge", changed, err)
		}
	}
	if after, _ := os.ReadFile(filepath.Join(dir, id)); !bytes.Equal(after, before) {
		t.Error("the stored session changed")
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Errorf("directory holds %v", names)
	}
	if rec := mustLoad(t, e, id); rec.Values["user"] != "alice" {
		t.Errorf("after the refused saves: %v", rec.Values)
	}
}
