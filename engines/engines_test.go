package engines

import (
	"errors"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/compat/config"
)

func TestOpenIsCaseInsensitive(t *testing.T) {
	for _, name := range []string{"Simple", "simple", "SIMPLE"} {
		s, err := config.FromMap(map[string]any{"session": name}, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if e, err := Open(s); err != nil || e == nil {
			t.Errorf("Open(%q) = %v, %v", name, e, err)
		}
	}
}

func TestOpenUnknownListsKnown(t *testing.T) {
	s, err := config.FromMap(map[string]any{"session": "Nope"}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(s)
	var ue *UnknownError
	if !errors.As(err, &ue) || ue.Name != "Nope" {
		t.Fatalf("err = %v, want UnknownError", err)
	}
	for _, n := range Names() {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("message %q does not list %q", err, n)
		}
	}
}
