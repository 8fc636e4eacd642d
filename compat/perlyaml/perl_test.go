package perlyaml

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/dancergo/dancergo/compat/perl"
)

// perlCases is how many random documents each direction sends through
// YAML.pm.
func perlCases() int {
	if testing.Short() {
		return 300
	}
	return 2000
}

// TestPerlReadsGo writes random values with Marshal and has YAML.pm load
// them: it must see the same values, and dump them to the very same bytes
// (except where Marshal departs from YAML.pm on purpose).
func TestPerlReadsGo(t *testing.T) {
	needPerl(t)
	g := &gen{r: rand.New(rand.NewPCG(1, 2)), numbers: true, shared: true}
	var (
		values   []any
		docs     []string
		departed []bool
	)
	for range perlCases() {
		v := g.document()
		b, dep, err := marshal(v)
		if err != nil {
			t.Fatalf("Marshal(%#v): %v", v, err)
		}
		values, docs, departed = append(values, v), append(docs, string(b)), append(departed, dep)
	}
	var res []struct {
		Value json.RawMessage
		Dump  string
		Error string
	}
	yamlPM(t, "load", docs, &res)
	nDeparted := 0
	for i, r := range res {
		if r.Error != "" {
			t.Errorf("YAML.pm cannot load Go's\n%s\n%s", docs[i], r.Error)
			continue
		}
		got, err := perl.UnmarshalJSON(r.Value)
		if err != nil {
			t.Fatal(err)
		}
		if want := perlView(values[i]); !perl.Equal(got, want) {
			t.Errorf("YAML.pm loads Go's\n%s\ndifferently: %s", docs[i], diff(got, want))
			continue
		}
		if departed[i] {
			nDeparted++
			continue
		}
		if r.Dump != docs[i] {
			t.Errorf("YAML.pm dumps what it loaded from Go's\n%s\nas\n%s", docs[i], r.Dump)
		}
	}
	t.Logf("%d documents, %d written differently from YAML.pm so that it reads them back", len(res), nDeparted)
}

// TestGoReadsPerl has YAML.pm dump random values and reads them with
// Unmarshal; writing what was read gives back YAML.pm's bytes (except where
// YAML.pm's own output does not load back in YAML.pm).
func TestGoReadsPerl(t *testing.T) {
	needPerl(t)
	g := &gen{r: rand.New(rand.NewPCG(3, 4)), numbers: true, forPerl: true}
	var (
		values []any
		forms  []any
	)
	for range perlCases() {
		v := g.document()
		values = append(values, v)
		forms = append(forms, perl.ToJSONValue(v))
	}
	var docs []string
	yamlPM(t, "dump", forms, &docs)
	for i, doc := range docs {
		got, err := Unmarshal([]byte(doc))
		if err != nil {
			t.Errorf("Unmarshal(YAML.pm's\n%s): %v", doc, err)
			continue
		}
		if want := perlView(values[i]); !perl.Equal(got, want) {
			t.Errorf("Unmarshal(YAML.pm's\n%s): %s", doc, diff(got, want))
			continue
		}
		b, departed, err := marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		if !departed && string(b) != doc {
			t.Errorf("Marshal(Unmarshal(YAML.pm's\n%s)) =\n%s", doc, b)
		}
	}
}
