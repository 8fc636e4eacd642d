package yaml_test

import (
	"testing"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/engines/yaml"
	"github.com/dancergo/dancergo/internal/faulttest"
)

// TestDiskFaults: the session directory replaced by a file, and writes
// failing as on a full disk, under a running service (see faulttest.DiskFaults),
// for both flavours.
func TestDiskFaults(t *testing.T) {
	for _, dancer2 := range []bool{false, true} {
		name := "dancer1"
		if dancer2 {
			name = "dancer2"
		}
		t.Run(name, func(t *testing.T) {
			faulttest.DiskFaults(t, func(t testing.TB, dir string) adapter.Engine {
				e, err := yaml.New(yaml.Options{Dir: dir, Dancer2: dancer2})
				if err != nil {
					t.Fatal(err)
				}
				return e
			})
		})
	}
}
