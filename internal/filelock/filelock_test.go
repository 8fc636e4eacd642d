//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package filelock_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dancergo/dancergo/internal/filelock"
)

// open returns a new open file of path, as another writer would hold it.
func open(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestLock: a held exclusive lock keeps others waiting until it is
// released or their context ends; shared locks do not exclude each other.
func TestLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	holder, waiter := open(t, path), open(t, path)
	if err := filelock.Lock(t.Context(), holder, syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := filelock.Lock(ctx, waiter, syscall.LOCK_SH); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock on a held file = %v, want the context's deadline", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("gave up after %v, long past the context's 50ms", took)
	}

	var releasing atomic.Bool
	go func() {
		time.Sleep(30 * time.Millisecond)
		releasing.Store(true)
		holder.Close()
	}()
	if err := filelock.Lock(t.Context(), waiter, syscall.LOCK_SH); err != nil {
		t.Fatalf("Lock after the holder closed its file: %v", err)
	}
	if !releasing.Load() {
		t.Fatal("got the lock while the holder still held it")
	}
	if err := filelock.Lock(t.Context(), open(t, path), syscall.LOCK_SH); err != nil {
		t.Fatalf("a second shared lock: %v", err)
	}
}
