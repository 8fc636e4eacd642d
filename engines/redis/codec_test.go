package redis_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/engines/redis"
	"github.com/dancergo/dancergo/internal/e2e"
)

// TestEveryCodecRoundTrips: each redis_codec stores the value model in a
// real Redis and reads it back unchanged, merges included.
func TestEveryCodecRoundTrips(t *testing.T) {
	for _, name := range []string{"gob", "binary", "storable"} {
		t.Run(name, func(t *testing.T) {
			needRedis(t, sharedRedis)
			c := testConfig(t, sharedRedis)
			s, err := config.FromMap(map[string]any{"redis_codec": name}, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			fromConfig, err := redis.ReadConfig(s)
			if err != nil {
				t.Fatal(err)
			}
			c.Codec = fromConfig.Codec
			e := redis.New(testPool(t, c), c)
			ctx := context.Background()
			id, _ := e.NewID()
			// Strings, integers and structures: what every codec keeps
			// exactly (Storable stores floats as Perl's decimal strings).
			values := map[string]any{
				"id": id, "user": "alice", "n": int64(-7), "utf8": "café ☺", "u": nil,
				"list":   []any{"x", int64(2), map[string]any{"k": "v"}},
				"object": &perl.Object{Class: "My::User", Value: map[string]any{"uid": int64(1001)}},
			}
			if _, err := e.Save(ctx, adapter.Record{ID: id, Values: values, Deadline: time.Now().Add(time.Hour)}, nil); err != nil {
				t.Fatal(err)
			}
			rec, found, err := e.Load(ctx, id)
			if err != nil || !found || !perl.Equal(rec.Values, values) {
				t.Fatalf("Load = %#v, %v, %v", rec.Values, found, err)
			}
			rec.Values["cart"] = "book"
			if _, err := e.Save(ctx, rec, []string{"cart"}); err != nil {
				t.Fatal(err)
			}
			again, _, _ := e.Load(ctx, id)
			if again.Values["cart"] != "book" || again.Values["user"] != "alice" {
				t.Fatalf("after a merge: %v", again.Values)
			}
		})
	}
}

// TestStorableCodecIsReadByPerl: with redis_codec: storable, Perl's
// Storable::thaw reads a session straight out of Redis.
func TestStorableCodecIsReadByPerl(t *testing.T) {
	needRedis(t, sharedRedis)
	e2e.NeedPerlModules(t, "Storable", "JSON::PP")
	c := testConfig(t, sharedRedis)
	s, _ := config.FromMap(map[string]any{"redis_codec": "storable"}, t.TempDir())
	fromConfig, err := redis.ReadConfig(s)
	if err != nil {
		t.Fatal(err)
	}
	c.Codec = fromConfig.Codec
	pool := testPool(t, c)
	e := redis.New(pool, c)
	id, _ := e.NewID()
	if _, err := e.Save(context.Background(), adapter.Record{ID: id, Values: map[string]any{"id": id, "user": "alice"}, Deadline: time.Now().Add(time.Hour)}, nil); err != nil {
		t.Fatal(err)
	}
	raw, _ := do(t, pool, "GET", c.Prefix+id).([]byte)
	cmd := exec.Command("perl", "-MStorable=thaw", "-MJSON::PP", "-e",
		`local $/; my $h = thaw(<STDIN>); print JSON::PP->new->canonical->encode($h)`)
	cmd.Stdin = strings.NewReader(string(raw))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("perl: %v: %s", err, out)
	}
	if want := `{"id":"` + id + `","user":"alice"}`; string(out) != want {
		t.Fatalf("Perl read %s, want %s", out, want)
	}
}
