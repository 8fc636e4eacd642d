package redis

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/internal/e2e"
)

// FuzzMergeOnto feeds arbitrary bytes, as a compare-and-set conflict would
// return them from Redis, to the merge: it must never panic, must keep the
// request's change, and must fall back to the request's whole view when the
// bytes do not decode. Seeds: every Storable fixture's value, gob-encoded,
// whole and cut short.
func FuzzMergeOnto(f *testing.F) {
	dir := e2e.Shared(f, "fixtures", "storable")
	paths, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		var doc struct {
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			f.Fatal(err)
		}
		v, err := perl.UnmarshalJSON(doc.Value)
		if err != nil {
			f.Fatal(err)
		}
		b, err := scs.GobCodec{}.Encode(time.Unix(2e9, 0), map[string]any{"v": v, "id": "x"})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
		f.Add(b[:len(b)-1])
	}
	f.Add([]byte{})
	f.Add([]byte("not gob at all"))
	f.Add([]byte{0xf8, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})

	e := &Engine{codec: scs.GobCodec{}, cache: newDecodedCache(cacheLimit)}
	f.Fuzz(func(t *testing.T, current []byte) {
		rec := adapter.Record{ID: "x", Values: map[string]any{"id": "x", "mine": "new"}}
		got := e.mergeOnto(current, rec, []string{"mine", "dropped"})
		if got["mine"] != "new" {
			t.Fatalf("the request's change is lost: %#v", got)
		}
		if _, ok := got["dropped"]; ok {
			t.Fatalf("a key the request deleted is back: %#v", got)
		}
		if _, _, err := (scs.GobCodec{}).Decode(current); err != nil && len(got) != len(rec.Values) {
			t.Fatalf("undecodable bytes gave %#v, want the request's view", got)
		}
	})
}
