package psgi_test

import (
	"bufio"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/engines/psgi"
)

// perlHoldsLock starts a Perl process that does what Storable::lock_nstore
// does (open for append, LOCK_EX, truncate, nstore into the handle) but
// sleeps for hold between taking the lock and writing. It returns once Perl
// holds the lock, and a function that waits for Perl to finish.
func perlHoldsLock(t *testing.T, path string, hold time.Duration, key string) (wait func()) {
	t.Helper()
	needPerl(t)
	script := `
use strict; use warnings; use Fcntl qw(:flock); use Storable qw(nstore_fd lock_retrieve);
my ($path, $hold, $key) = @ARGV;
my $h = -s $path ? lock_retrieve($path) : {};
open(my $fh, '>>', $path) or die "open: $!";
flock($fh, LOCK_EX) or die "flock: $!";
$| = 1; print "locked\n";
select(undef, undef, undef, $hold);
truncate($fh, 0) or die "truncate: $!";
$h->{$key} = 'perl';
nstore_fd($h, $fh) or die "nstore_fd";
close($fh) or die "close: $!";
`
	cmd := exec.Command("perl", "-e", script, path, strconv.FormatFloat(hold.Seconds(), 'f', 3, 64), key)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		_ = cmd.Wait()
		t.Fatalf("perl did not take the lock: %q %v %s", line, err, stderr.String())
	}
	return func() {
		if err := cmd.Wait(); err != nil {
			t.Errorf("perl: %v: %s", err, stderr.String())
		}
	}
}

func TestGoWaitsForPerlsLock(t *testing.T) {
	e := newEngine(t)
	id, _ := e.NewID()
	path := filepath.Join(e.Dir(), id)
	mustSave(t, e, adapter.Record{ID: id, Values: map[string]any{"user": "alice"}}, nil)

	// A load waits for Perl's write and reads it whole.
	const hold = 400 * time.Millisecond
	start := time.Now()
	done := perlHoldsLock(t, path, hold, "first")
	rec := mustLoad(t, e, id)
	if waited := time.Since(start); waited < hold*3/4 {
		t.Errorf("Load returned after %v, while Perl held the lock for %v", waited, hold)
	}
	if rec.Values["first"] != "perl" || rec.Values["user"] != "alice" {
		t.Errorf("Load read %v, want Perl's finished write", rec.Values)
	}
	done()

	// A merge waits too, and lands on top of Perl's write.
	rec.Values["id"] = id
	rec.Values["from_go"] = "go"
	start = time.Now()
	done = perlHoldsLock(t, path, hold, "second")
	mustSave(t, e, rec, []string{"from_go"})
	if waited := time.Since(start); waited < hold*3/4 {
		t.Errorf("Save returned after %v, while Perl held the lock for %v", waited, hold)
	}
	done()
	got := mustLoad(t, e, id).Values
	for _, k := range []string{"user", "first", "second", "from_go"} {
		if _, ok := got[k]; !ok {
			t.Errorf("%s lost: %v", k, got)
		}
	}
}

func TestLockTimeoutAndCancel(t *testing.T) {
	dir := t.TempDir()
	e, err := psgi.New(psgi.Options{Dir: dir, LockTimeout: 150 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := e.NewID()
	mustSave(t, e, adapter.Record{ID: id, Values: map[string]any{"user": "alice"}}, nil)
	done := perlHoldsLock(t, filepath.Join(dir, id), 800*time.Millisecond, "k")
	defer done()

	start := time.Now()
	_, _, err = e.Load(context.Background(), id)
	if !errors.Is(err, adapter.ErrStore) || time.Since(start) > 600*time.Millisecond {
		t.Errorf("Load under a held lock: %v after %v, want ErrStore after about 150ms", err, time.Since(start))
	}
	cancelled, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = e.Save(cancelled, adapter.Record{ID: id, Values: map[string]any{"k": "v"}}, []string{"k"})
	if !errors.Is(err, adapter.ErrStore) || !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 600*time.Millisecond {
		t.Errorf("Save with a context that ends: %v after %v", err, time.Since(start))
	}
}
