package cookie

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/internal/e2e"
)

const fixtureKey = "test-secret-key-0123456789abcdef"

// fixtureCookie returns the cookie= line of a cookie fixture.
func fixtureCookie(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(e2e.Shared(t, "fixtures", "cookie"), name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "cookie="); ok {
			return v
		}
	}
	t.Fatalf("%s.txt has no cookie= line", name)
	return ""
}

func fixtureValue(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(e2e.Shared(t, "fixtures", "cookie"), name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := perl.UnmarshalJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	return doc.(map[string]any)["value"].(map[string]any)
}

func newEngine(t *testing.T, o Options) *Engine {
	t.Helper()
	if o.Key == "" {
		o.Key = fixtureKey
	}
	e, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestLoadFixtures(t *testing.T) {
	e := newEngine(t, Options{})
	for _, name := range []string{"simple", "all", "big", "vector-simple", "vector-expires-2033", "vector-snappy", "vector-protocol1"} {
		t.Run(name, func(t *testing.T) {
			token := fixtureCookie(t, name)
			if !e.ValidToken(token) {
				t.Fatal("ValidToken refused a Perl cookie")
			}
			rec, found, err := e.Load(context.Background(), token)
			if err != nil || !found {
				t.Fatalf("found=%v err=%v", found, err)
			}
			want := fixtureValue(t, name)
			if rec.ID != want["id"] {
				t.Errorf("ID %q, want the payload's id %q", rec.ID, want["id"])
			}
			if !perl.Equal(rec.Values, want) {
				t.Errorf("got  %#v\nwant %#v", rec.Values, want)
			}
			if strings.Contains(name, "2033") && rec.Deadline.Unix() != 2000000000 {
				t.Errorf("Deadline %v, want the payload's expiry", rec.Deadline)
			}
		})
	}
}

func TestLoadRejectsToFreshSession(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := newEngine(t, Options{Logger: logger})
	other := newEngine(t, Options{Key: "another key"})
	tests := map[string]string{
		"expired":       fixtureCookie(t, "vector-expired"),
		"tampered":      fixtureCookie(t, "vector-tampered"),
		"other key":     mustSave(t, other, "1"),
		"garbage":       "AAAA~~BBBB~" + strings.Repeat("C", 43) + "~2",
		"not a session": mustEncode(t, e, []any{"a list"}),
		"no id":         mustEncode(t, e, map[string]any{"user": "bob"}),
	}
	for name, token := range tests {
		t.Run(name, func(t *testing.T) {
			logs.Reset()
			rec, found, err := e.Load(context.Background(), token)
			if err != nil || found {
				t.Fatalf("got %#v found=%v err=%v; want not found, no error", rec, found, err)
			}
			if !strings.Contains(logs.String(), "level=DEBUG") {
				t.Errorf("no debug log line: %q", logs.String())
			}
		})
	}
}

func mustSave(t *testing.T, e *Engine, id string) string {
	t.Helper()
	token, err := e.Save(context.Background(), adapter.Record{ID: id, Values: map[string]any{"id": id}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func mustEncode(t *testing.T, e *Engine, v any) string {
	t.Helper()
	token, err := e.codec.Encode(v, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func TestSaveLoadRoundTrip(t *testing.T) {
	now := time.Unix(1800000000, 0)
	e := newEngine(t, Options{Expires: time.Hour})
	e.now = func() time.Time { return now }
	values := map[string]any{
		"user":   "alice",
		"utf8":   "café ☺",
		"nested": map[string]any{"a": []any{int64(1), nil, 2.5}},
		"obj":    &perl.Object{Class: "My::User", Value: map[string]any{"name": "alice"}},
	}
	rec := adapter.Record{ID: "1234", Values: values}
	token, err := e.Save(context.Background(), rec, []string{"user"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := values["id"]; ok {
		t.Error("Save changed the caller's map")
	}
	if !e.ValidToken(token) {
		t.Fatalf("ValidToken refused Save's token %s", token)
	}
	if parts := strings.Split(token, "~"); parts[1] != "1800003600" {
		t.Errorf("expiry field %q, want now + Expires", parts[1])
	}
	again, _ := e.Save(context.Background(), rec, nil)
	if again == token {
		t.Error("two saves gave the same cookie: the salt must be fresh each time")
	}
	e.now = time.Now
	// The codec checks expiries against the real clock; 1800003600 (2027)
	// is still ahead.
	got, found, err := newEngine(t, Options{}).Load(context.Background(), mustSave(t, e, "77"))
	if err != nil || !found || got.ID != "77" {
		t.Fatalf("Load after Save: %#v %v %v", got, found, err)
	}
	loaded, found, err := e.Load(context.Background(), again)
	if err != nil || !found {
		t.Fatalf("found=%v err=%v", found, err)
	}
	want := map[string]any{"id": "1234"}
	for k, v := range values {
		want[k] = v
	}
	if loaded.ID != "1234" || !perl.Equal(loaded.Values, want) {
		t.Errorf("got %q %#v", loaded.ID, loaded.Values)
	}
}

func TestSaveTooLarge(t *testing.T) {
	e := newEngine(t, Options{})
	rec := adapter.Record{ID: "1", Values: map[string]any{"id": "1"}}
	// Random-looking data does not compress: it must make a cookie too big.
	var b strings.Builder
	x := uint32(1)
	for b.Len() < 4000 {
		x = x*1664525 + 1013904223
		b.WriteByte("abcdefghijklmnopqrstuvwxyz0123456789"[x>>27])
	}
	rec.Values["big"] = b.String()
	if _, err := e.Save(context.Background(), rec, nil); !errors.Is(err, adapter.ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	// Repetitive data is compressed by Sereal's Snappy and fits.
	rec.Values["big"] = strings.Repeat("item,", 1000)
	token, err := e.Save(context.Background(), rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(token) > 1000 {
		t.Errorf("a compressible 5000-byte session made a %d-byte cookie", len(token))
	}
	small := newEngine(t, Options{MaxCookieSize: 100})
	if _, err := small.Save(context.Background(), adapter.Record{ID: "1", Values: map[string]any{"k": strings.Repeat("v", 60)}}, nil); !errors.Is(err, adapter.ErrTooLarge) {
		t.Fatalf("MaxCookieSize 100: got %v, want ErrTooLarge", err)
	}
}

func TestKeyRotation(t *testing.T) {
	oldEngine := newEngine(t, Options{Key: "old key"})
	rotated := newEngine(t, Options{Key: "new key", OldKeys: []string{"older key", "old key"}})
	token := mustSave(t, oldEngine, "42")
	rec, found, err := rotated.Load(context.Background(), token)
	if err != nil || !found || rec.ID != "42" {
		t.Fatalf("a cookie made with an old key: %#v %v %v", rec, found, err)
	}
	fresh := mustSave(t, rotated, "42")
	if _, found, _ := oldEngine.Load(context.Background(), fresh); found {
		t.Error("Save wrote with an old key; it must always use the current one")
	}
	if _, found, _ := newEngine(t, Options{Key: "new key"}).Load(context.Background(), fresh); !found {
		t.Error("the current key cannot read what Save wrote")
	}
}

func TestValidToken(t *testing.T) {
	e := newEngine(t, Options{})
	mac := strings.Repeat("M", 43)
	tests := []struct {
		token string
		want  bool
	}{
		{"salt~~ct~" + mac + "~2", true},
		{"salt~1795947306~ct~" + mac + "~2", true},
		{"123456789~2000000000~ct~" + mac, true},
		{"salt~~ct~" + mac + "~1", true},
		{"", false},
		{"salt~~ct~" + mac + "~3", false},
		{"salt~~ct~" + mac + "~", false},
		{"salt~~ct~" + mac + "~2~x", false},
		{"salt~~ct", false},
		{"~~ct~" + mac + "~2", false},
		{"salt~~~" + mac + "~2", false},
		{"salt~~ct~short~2", false},
		{"salt~12a~ct~" + mac + "~2", false},
		{"sa=t~~ct~" + mac + "~2", false},
		{"sa+t~~ct~" + mac + "~2", false},
		{"28916622899025625182265681350777896", false}, // a server-side engine's id
		{"salt~~" + strings.Repeat("c", 4096) + "~" + mac + "~2", false},
	}
	for _, tc := range tests {
		if got := e.ValidToken(tc.token); got != tc.want {
			t.Errorf("ValidToken(%.60q) = %v, want %v", tc.token, got, tc.want)
		}
	}
}

func TestNewIDIsDancerShaped(t *testing.T) {
	e := newEngine(t, Options{})
	id, err := e.NewID()
	if err != nil || len(id) != 40 || strings.Trim(id, "0123456789") != "" {
		t.Fatalf("NewID = %q, %v; want 40 digits", id, err)
	}
	if err := e.Delete(context.Background(), id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
}

func TestOpen(t *testing.T) {
	tests := []struct {
		name    string
		raw     map[string]any
		wantErr error
		expires time.Duration
	}{
		{"no key", map[string]any{"session": "cookie"}, ErrNoKey, 0},
		{"empty key", map[string]any{"session": "cookie", "session_cookie_key": ""}, ErrNoKey, 0},
		{"key", map[string]any{"session": "cookie", "session_cookie_key": "k"}, nil, 0},
		{"expires with Time::Duration::Parse", map[string]any{"session": "cookie", "session_cookie_key": "k", "session_expires": "2 hrs"}, nil, 2 * time.Hour},
		{"old keys as a list", map[string]any{"session": "cookie", "session_cookie_key": "k", "session_cookie_old_keys": []any{"a", "b"}}, nil, 0},
		{"old keys as a string", map[string]any{"session": "cookie", "session_cookie_key": "k", "session_cookie_old_keys": "a, b"}, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := config.FromMap(tc.raw, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			eng, err := Open(s)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if e := eng.(*Engine); e.expires != tc.expires || e.maxSize != BrowserLimit-len("dancer.session=") {
				t.Errorf("expires %v maxSize %d", e.expires, e.maxSize)
			}
		})
	}
	// Old keys are read.
	s, _ := config.FromMap(map[string]any{"session": "cookie", "session_cookie_key": "k", "session_cookie_old_keys": []any{"old"}}, t.TempDir())
	eng, _ := Open(s)
	token := mustSave(t, newEngine(t, Options{Key: "old"}), "5")
	if _, found, _ := eng.Load(context.Background(), token); !found {
		t.Error("session_cookie_old_keys not used")
	}
}
