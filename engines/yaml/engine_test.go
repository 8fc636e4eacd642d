package yaml_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/engines/yaml"
	"github.com/dancergo/dancergo/internal/e2e"
)

var ctx = context.Background()

func newEngine(t *testing.T, opts yaml.Options) *yaml.Engine {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	e, err := yaml.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func save(t *testing.T, e *yaml.Engine, id string, values map[string]any) {
	t.Helper()
	if _, err := e.Save(ctx, adapter.Record{ID: id, Values: values, Deadline: time.Now().Add(time.Hour)}, nil); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tempFiles lists what a write may leave behind in dir: anything but the
// session files and the lock folder.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".yml") && e.Name() != ".dancergo-locks" {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestSaveLoadDelete(t *testing.T) {
	tests := []struct {
		name     string
		dancer2  bool
		idLen    int
		header   string
		idInFile bool
	}{
		{"dancer1", false, 40, "--- !!perl/hash:Dancer::Session::YAML\n", true},
		{"dancer2", true, 32, "---\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t, yaml.Options{Dancer2: tt.dancer2})
			id, err := e.NewID()
			if err != nil {
				t.Fatal(err)
			}
			if len(id) != tt.idLen || !e.ValidToken(id) {
				t.Fatalf("NewID = %q", id)
			}
			values := map[string]any{
				"id": id, "user": "alice", "n": int64(42), "f": 2.5, "ok": true, "no": false, "u": nil,
				"utf8": "café ☺\u2028", "lines": strings.Repeat("a line of text\n", 3),
				"obj": &perl.Object{Class: "My::User", Value: map[string]any{"roles": []any{"admin"}}},
				"ref": &perl.Ref{Value: "x"},
			}
			save(t, e, id, values)

			path := filepath.Join(e.Dir(), id+".yml")
			text := readFile(t, path)
			if !strings.HasPrefix(text, tt.header) {
				t.Errorf("file starts %q, want %q", text[:min(len(text), 50)], tt.header)
			}
			if has := strings.Contains(text, "\nid: "+id+"\n"); has != tt.idInFile {
				t.Errorf("id in file = %v, want %v:\n%s", has, tt.idInFile, text)
			}
			if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
				t.Errorf("file mode = %v (%v), want 0600", info.Mode(), err)
			}
			if left := tempFiles(t, e.Dir()); len(left) > 0 {
				t.Errorf("left behind: %q", left)
			}

			rec, found, err := e.Load(ctx, id)
			if err != nil || !found {
				t.Fatalf("Load = %v, %v", found, err)
			}
			want := map[string]any{
				"user": "alice", "n": "42", "f": "2.5", "ok": "1", "no": "", "u": nil,
				"utf8": "café ☺\u2028", "lines": strings.Repeat("a line of text\n", 3),
				"obj": &perl.Object{Class: "My::User", Value: map[string]any{"roles": []any{"admin"}}},
				"ref": &perl.Ref{Value: "x"},
			}
			if tt.idInFile {
				want["id"] = id
			}
			if !perl.Equal(rec.Values, want) {
				t.Errorf("Load values = %#v\nwant %#v", rec.Values, want)
			}
			if rec.ID != id || !rec.Deadline.IsZero() {
				t.Errorf("Load = id %q deadline %v", rec.ID, rec.Deadline)
			}

			if err := e.Delete(ctx, id); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("file still there after Delete: %v", err)
			}
			if _, found, err := e.Load(ctx, id); found || err != nil {
				t.Fatalf("Load after Delete = %v, %v", found, err)
			}
			if err := e.Delete(ctx, id); err != nil {
				t.Fatalf("Delete of a missing session: %v", err)
			}
		})
	}
}

// TestSaveWritesTheIDAsDancer1Needs: Dancer 1 finds the id in the data;
// Dancer2 keeps none there, whatever the record holds.
func TestSaveWritesTheIDAsDancer1Needs(t *testing.T) {
	d1 := newEngine(t, yaml.Options{})
	id, _ := d1.NewID()
	values := map[string]any{"k": "v"}
	save(t, d1, id, values)
	if text := readFile(t, filepath.Join(d1.Dir(), id+".yml")); !strings.Contains(text, "\nid: "+id+"\n") {
		t.Errorf("Dancer 1 file without its id:\n%s", text)
	}
	if _, ok := values["id"]; ok {
		t.Error("Save changed the caller's map")
	}
	d2 := newEngine(t, yaml.Options{Dancer2: true})
	id2, _ := d2.NewID()
	save(t, d2, id2, map[string]any{"id": id2, "k": "v"})
	if text := readFile(t, filepath.Join(d2.Dir(), id2+".yml")); text != "---\nk: v\n" {
		t.Errorf("Dancer2 file = %q", text)
	}
}

// TestEitherFlavourReadsBoth copies the fixtures Perl wrote into a session
// directory: both flavours read Dancer 1 and Dancer2 files.
func TestEitherFlavourReadsBoth(t *testing.T) {
	var files []string
	for _, pattern := range []string{"yaml/*/*.yml", "dancer2/*.yml"} {
		m, _ := filepath.Glob(filepath.Join(e2e.Shared(t, "fixtures"), pattern))
		files = append(files, m...)
	}
	if len(files) < 4 {
		t.Fatalf("fixtures: %q", files)
	}
	for _, dancer2 := range []bool{false, true} {
		e := newEngine(t, yaml.Options{Dancer2: dancer2})
		for _, f := range files {
			id := strings.TrimSuffix(filepath.Base(f), ".yml")
			if !e.ValidToken(id) {
				continue // a Dancer2 id is no Dancer 1 id
			}
			if err := os.WriteFile(filepath.Join(e.Dir(), id+".yml"), []byte(readFile(t, f)), 0o600); err != nil {
				t.Fatal(err)
			}
			rec, found, err := e.Load(ctx, id)
			if err != nil || !found {
				t.Fatalf("dancer2=%v: Load(%s) = %v, %v", dancer2, f, found, err)
			}
			want := fixtureValue(t, f)
			if o, ok := want.(*perl.Object); ok {
				want = o.Value
			}
			if !perl.Equal(rec.Values, want) {
				t.Errorf("dancer2=%v: Load(%s) = %#v", dancer2, f, rec.Values)
			}
		}
	}
}

func fixtureValue(t *testing.T, yml string) any {
	t.Helper()
	raw := readFile(t, strings.TrimSuffix(yml, ".yml")+".json")
	i := strings.Index(raw, `"value"`)
	if i < 0 {
		t.Fatalf("%s: no value", yml)
	}
	v, err := perl.UnmarshalJSON([]byte("{" + raw[i:]))
	if err != nil {
		t.Fatal(err)
	}
	return v.(map[string]any)["value"]
}

// TestHostileIDs: no cookie value reaches a file outside the directory.
func TestHostileIDs(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "sessions")
	for _, dancer2 := range []bool{false, true} {
		e := newEngine(t, yaml.Options{Dir: dir, Dancer2: dancer2})
		// Files a traversal would reach.
		victims := map[string]string{
			filepath.Join(root, "x.yml"):       "--- !!perl/hash:Dancer::Session::YAML\nsecret: 1\n",
			filepath.Join(root, "2.yml"):       "--- !!perl/hash:Dancer::Session::YAML\nsecret: 2\n",
			filepath.Join(dir, "sub", "3.yml"): "--- !!perl/hash:Dancer::Session::YAML\nsecret: 3\n",
		}
		for p, content := range victims {
			os.MkdirAll(filepath.Dir(p), 0o700)
			if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		for _, id := range []string{
			"../x", "../../x", "1/../2", "../2", "sub/3", "sub%2F3", "..%2F2", "/etc/passwd", ".", "..", "",
			"1.yml", "1\x00", "1\n", " 1", "1 ", "~", strings.Repeat("1", 200), strings.Repeat("a", 129),
			"..\\2", "%2e%2e%2f2",
		} {
			if e.ValidToken(id) && strings.ContainsAny(id, "./\\%\x00\n ") {
				t.Errorf("dancer2=%v: ValidToken(%q) = true", dancer2, id)
			}
			if rec, found, err := e.Load(ctx, id); found || err != nil {
				t.Errorf("dancer2=%v: Load(%q) = %#v, %v, %v", dancer2, id, rec, found, err)
			}
			if _, err := e.Save(ctx, adapter.Record{ID: id, Values: map[string]any{"pwned": "1"}}, nil); err == nil && !e.ValidToken(id) {
				t.Errorf("dancer2=%v: Save(%q) succeeded", dancer2, id)
			}
			if err := e.Delete(ctx, id); err != nil {
				t.Errorf("dancer2=%v: Delete(%q) = %v", dancer2, id, err)
			}
		}
		for p, content := range victims {
			if got, err := os.ReadFile(p); err != nil || string(got) != content {
				t.Errorf("dancer2=%v: %s changed: %q, %v", dancer2, p, got, err)
			}
		}
		entries, _ := os.ReadDir(root)
		if len(entries) != 3 { // sessions, x.yml, 2.yml
			t.Errorf("something was written beside the session dir: %v", entries)
		}
	}
	// Digits only for Dancer 1.
	d1 := newEngine(t, yaml.Options{})
	for id, want := range map[string]bool{
		"28916622899025625182265681350777896": true, strings.Repeat("9", 64): true, strings.Repeat("9", 65): false,
		"awvtGwAAQHzy6XW1kIlymzIIfUGa-itu": false, "12a": false,
	} {
		if got := d1.ValidToken(id); got != want {
			t.Errorf("Dancer 1 ValidToken(%q) = %v, want %v", id, got, want)
		}
	}
}

// TestCorruptFiles: an empty or broken file is ErrCorrupt and stays.
func TestCorruptFiles(t *testing.T) {
	e := newEngine(t, yaml.Options{})
	for name, content := range map[string]string{
		"empty":       "",
		"indentation": "--- !!perl/hash:Dancer::Session::YAML\na: 1\n   b: 2\n",
		"not a hash":  "--- just a string\n",
		"binary":      "\x00\x01\x02",
		"truncated":   "--- !!perl/hash:Dancer::Session::YAML\nuser: \"ali",
	} {
		t.Run(name, func(t *testing.T) {
			id, _ := e.NewID()
			path := filepath.Join(e.Dir(), id+".yml")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, found, err := e.Load(ctx, id); found || !errors.Is(err, adapter.ErrCorrupt) {
				t.Fatalf("Load = %v, %v; want ErrCorrupt", found, err)
			}
			if got := readFile(t, path); got != content {
				t.Fatalf("the corrupt file changed: %q", got)
			}
		})
	}
}

// TestCorruptFileGivesAFreshSession: through the adapter, a request with
// the cookie of a broken file gets a new session (a new id, a new file) and
// a log line, not a 500; the broken file is kept.
func TestCorruptFileGivesAFreshSession(t *testing.T) {
	e := newEngine(t, yaml.Options{})
	id, _ := e.NewID()
	broken := filepath.Join(e.Dir(), id+".yml")
	if err := os.WriteFile(broken, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	m := adapter.New(e, config.Default())
	m.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := adapter.From(r)
		if err := s.Set("user", "bob"); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		id, _ := s.ID()
		io.WriteString(w, id)
	}))
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(&http.Cookie{Name: "dancer.session", Value: id})
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	newID := rr.Body.String()
	if rr.Code != 200 || newID == id || !e.ValidToken(newID) {
		t.Fatalf("status %d, id %q (old %q)", rr.Code, newID, id)
	}
	// Logs name a session by the first four characters of its id.
	if !strings.Contains(logs.String(), "cannot be decoded") || !strings.Contains(logs.String(), id[:4]+"…") {
		t.Errorf("no log line naming the file: %q", logs.String())
	}
	if _, err := os.Stat(broken); err != nil {
		t.Errorf("the broken file was removed: %v", err)
	}
	if rec, found, err := e.Load(ctx, newID); err != nil || !found || rec.Values["user"] != "bob" {
		t.Errorf("new session = %#v, %v, %v", rec.Values, found, err)
	}
}

// TestAtomicWrite: a failed write leaves the old state and no temporary
// file; the written file is complete at every moment.
func TestAtomicWrite(t *testing.T) {
	e := newEngine(t, yaml.Options{})
	id, _ := e.NewID()
	// A directory where the file should go makes the rename fail.
	if err := os.Mkdir(filepath.Join(e.Dir(), id+".yml"), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Save(ctx, adapter.Record{ID: id, Values: map[string]any{"k": "v"}}, nil); !errors.Is(err, adapter.ErrStore) {
		t.Fatalf("Save over a directory = %v, want ErrStore", err)
	}
	if left := tempFiles(t, e.Dir()); len(left) > 0 {
		t.Errorf("failed Save left %q", left)
	}

	// Readers racing a writer never see a partial file.
	id2, _ := e.NewID()
	big := strings.Repeat("x", 64<<10)
	save(t, e, id2, map[string]any{"big": big, "n": "0"})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			save(t, e, id2, map[string]any{"big": big, "n": fmt.Sprint(i)})
		}
	}()
	for range 200 {
		rec, found, err := e.Load(ctx, id2)
		if err != nil || !found || rec.Values["big"] != big {
			t.Errorf("a reader saw a partial file: %v, %v", found, err)
			break
		}
	}
	close(stop)
	wg.Wait()
	if left := tempFiles(t, e.Dir()); len(left) > 0 {
		t.Errorf("left behind: %q", left)
	}
}

func TestMaxSize(t *testing.T) {
	e := newEngine(t, yaml.Options{MaxSize: 200})
	id, _ := e.NewID()
	save(t, e, id, map[string]any{"k": "small"})
	before := readFile(t, filepath.Join(e.Dir(), id+".yml"))
	_, err := e.Save(ctx, adapter.Record{ID: id, Values: map[string]any{"k": strings.Repeat("x", 300)}}, nil)
	if !errors.Is(err, adapter.ErrTooLarge) {
		t.Fatalf("Save = %v, want ErrTooLarge", err)
	}
	if after := readFile(t, filepath.Join(e.Dir(), id+".yml")); after != before {
		t.Fatalf("the file changed: %q", after)
	}
}

// TestConcurrentSaves: goroutines of two engines on one directory (as two
// processes would be) each set their own key of one session from a record
// loaded before any of them saved: every key is there at the end.
func TestConcurrentSaves(t *testing.T) {
	dir := t.TempDir()
	engines := []*yaml.Engine{newEngine(t, yaml.Options{Dir: dir}), newEngine(t, yaml.Options{Dir: dir})}
	id, _ := engines[0].NewID()
	save(t, engines[0], id, map[string]any{"id": id, "start": "1"})
	const n = 60
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := engines[i%2]
			rec, found, err := e.Load(ctx, id)
			if err != nil || !found {
				t.Errorf("Load: %v, %v", found, err)
				return
			}
			<-start
			key := fmt.Sprintf("k%d", i)
			rec.Values[key] = fmt.Sprint(i)
			if _, err := e.Save(ctx, rec, []string{key}); err != nil {
				t.Error(err)
			}
		}()
	}
	close(start)
	wg.Wait()
	rec, _, err := engines[0].Load(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for i := range n {
		if rec.Values[fmt.Sprintf("k%d", i)] != fmt.Sprint(i) {
			missing = append(missing, fmt.Sprintf("k%d", i))
		}
	}
	if len(missing) > 0 || rec.Values["start"] != "1" {
		t.Fatalf("lost %d keys: %v (start=%v)", len(missing), missing, rec.Values["start"])
	}
}

// TestConcurrentRequests: the same through the adapter and HTTP, with the
// shared e2e helper.
func TestConcurrentRequests(t *testing.T) {
	e := newEngine(t, yaml.Options{})
	m := adapter.New(e, config.Default())
	srv := httptest.NewServer(m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := adapter.From(r)
		switch r.Method {
		case "POST":
			r.ParseForm()
			for k := range r.PostForm {
				s.Set(k, r.PostForm.Get(k))
			}
		default:
			all, _ := s.All()
			js, _ := perl.MarshalJSON(all)
			w.Write(js)
		}
	})))
	defer srv.Close()
	c := e2e.Client(t)
	e2e.Send(t, c, http.MethodPost, srv.URL+"/session", url.Values{"start": {"1"}})
	if missing := e2e.ConcurrentSet(t, c, srv.URL, 50); len(missing) > 0 {
		t.Fatalf("lost %d of 50 keys: %v", len(missing), missing)
	}
}

// TestMergeDoesNotResurrect: a save of some keys after the session was
// destroyed (here, or by Perl unlinking the file) does not bring it back.
func TestMergeDoesNotResurrect(t *testing.T) {
	e := newEngine(t, yaml.Options{})
	id, _ := e.NewID()
	save(t, e, id, map[string]any{"id": id, "user": "alice"})
	rec, _, _ := e.Load(ctx, id)
	if err := os.Remove(filepath.Join(e.Dir(), id+".yml")); err != nil { // Perl's destroy
		t.Fatal(err)
	}
	rec.Values["cart"] = "book"
	if _, err := e.Save(ctx, rec, []string{"cart"}); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := e.Load(ctx, id); found {
		t.Fatal("a change after a destroy brought the session back")
	}
}

// TestMergeKeepsOtherWriters: a change saved over a file someone else
// rewrote keeps that someone's keys (and a corrupt file is replaced).
func TestMergeKeepsOtherWriters(t *testing.T) {
	e := newEngine(t, yaml.Options{})
	id, _ := e.NewID()
	path := filepath.Join(e.Dir(), id+".yml")
	save(t, e, id, map[string]any{"id": id, "a": "1"})
	rec, _, _ := e.Load(ctx, id)
	// Perl writes the file in between.
	perlFile := "--- !!perl/hash:Dancer::Session::YAML\na: 1\nfrom_perl: yes\nid: " + id + "\n"
	if err := os.WriteFile(path, []byte(perlFile), 0o600); err != nil {
		t.Fatal(err)
	}
	rec.Values["b"] = "2"
	if _, err := e.Save(ctx, rec, []string{"b"}); err != nil {
		t.Fatal(err)
	}
	want := "--- !!perl/hash:Dancer::Session::YAML\na: 1\nb: 2\nfrom_perl: yes\nid: " + id + "\n"
	if got := readFile(t, path); got != want {
		t.Fatalf("file = %q, want %q", got, want)
	}
	// A file broken in between is replaced by this request's session.
	rec, _, _ = e.Load(ctx, id)
	os.WriteFile(path, []byte("--- [broken\n"), 0o600)
	rec.Values["c"] = "3"
	if _, err := e.Save(ctx, rec, []string{"c"}); err != nil {
		t.Fatal(err)
	}
	if got, _, err := e.Load(ctx, id); err != nil || got.Values["c"] != "3" || got.Values["from_perl"] != "yes" {
		t.Fatalf("after replacing a broken file: %#v, %v", got.Values, err)
	}
}

func TestIDs(t *testing.T) {
	e := newEngine(t, yaml.Options{})
	var want []string
	for range 3 {
		id, _ := e.NewID()
		save(t, e, id, map[string]any{"k": "v"})
		want = append(want, id)
	}
	for _, name := range []string{"config.yml", "abc.yml", "12.txt", ".dancergo-x.tmp"} {
		os.WriteFile(filepath.Join(e.Dir(), name), []byte("---\n"), 0o600)
	}
	os.Mkdir(filepath.Join(e.Dir(), "99.yml"), 0o700)
	var got []string
	for id, err := range e.IDs(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, id)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("IDs = %q, want %q", got, want)
	}
}

func TestOpen(t *testing.T) {
	app := t.TempDir()
	tests := []struct {
		name    string
		raw     map[string]any
		dir     string
		dancer2 bool
		wantErr bool
	}{
		{"defaults", map[string]any{"session": "YAML"}, filepath.Join(app, "sessions"), false, false},
		{"relative dir", map[string]any{"session": "YAML", "session_dir": "var/s"}, filepath.Join(app, "var", "s"), false, false},
		{"dancer2", map[string]any{"session": "YAML", yaml.FlavourSetting: "Dancer2"}, filepath.Join(app, "sessions"), true, false},
		{"dancer1", map[string]any{"session": "YAML", yaml.FlavourSetting: "dancer1"}, filepath.Join(app, "sessions"), false, false},
		{"bad flavour", map[string]any{"session": "YAML", yaml.FlavourSetting: "dancer3"}, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := config.FromMap(tt.raw, app)
			if err != nil {
				t.Fatal(err)
			}
			eng, err := yaml.Open(s)
			if tt.wantErr {
				if err == nil {
					t.Fatal("Open succeeded")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			e := eng.(*yaml.Engine)
			if e.Dir() != tt.dir {
				t.Errorf("Dir = %q, want %q", e.Dir(), tt.dir)
			}
			if info, err := os.Stat(tt.dir); err != nil || !info.IsDir() || info.Mode().Perm() != 0o700 {
				t.Errorf("session dir: %v, %v", info, err)
			}
			id, _ := e.NewID()
			if (len(id) == 32) != tt.dancer2 {
				t.Errorf("NewID = %q for dancer2=%v", id, tt.dancer2)
			}
		})
	}
}

// TestNotAFile: something other than a regular file at a session's path is
// no session (Dancer checks -f too), not a store failure.
func TestNotAFile(t *testing.T) {
	e := newEngine(t, yaml.Options{})
	id, _ := e.NewID()
	if err := os.Mkdir(filepath.Join(e.Dir(), id+".yml"), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, found, err := e.Load(ctx, id); found || err != nil {
		t.Fatalf("Load of a directory = %v, %v", found, err)
	}
}
