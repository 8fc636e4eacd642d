package perlyaml

import (
	"strings"
	"testing"
)

// A float is written as Perl prints it: YAML.pm's Dump of 1e15 is
// "1000000000000000" (checked with perl -MYAML), not C's "%.15g" "1e+15".
func TestFloatsAsPerlPrintsThem(t *testing.T) {
	out, err := Marshal(map[string]any{"a": 1e15, "b": 3.0, "c": 0.1 + 0.2, "d": 1e20})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"a: 1000000000000000\n", "b: 3\n", "c: 0.3\n", "d: 1e+20\n"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("Marshal wrote\n%s\nwithout %q", out, want)
		}
	}
}
