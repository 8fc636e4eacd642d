package storable

import (
	"testing"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/internal/faulttest"
)

// TestDiskFaults: the session directory replaced by a file, and writes
// failing as on a full disk, under a running service (see faulttest.DiskFaults).
func TestDiskFaults(t *testing.T) {
	faulttest.DiskFaults(t, func(t testing.TB, dir string) adapter.Engine {
		e, err := New(Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return e
	})
}
