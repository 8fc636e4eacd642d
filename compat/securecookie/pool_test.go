package securecookie

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// The pooled HMACs keyed by each secret must give exactly what a freshly
// keyed HMAC gives, whatever secret, salt or goroutine used them before:
// many goroutines derive keys for interleaved secrets and salts of every
// protocol's shape (run with -race).
func TestDeriveKeyPooled(t *testing.T) {
	secrets := []*secret{newSecret("current"), newSecret("old-1"), newSecret("a much longer secret than one SHA-256 block, a much longer secret than one block")}
	salts := [][]byte{make([]byte, saltLen), []byte("1234567890"), {}, make([]byte, 48)}
	for i := range salts[0] {
		salts[0][i] = byte(i)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				s := secrets[(g+i)%len(secrets)]
				salt := salts[i%len(salts)]
				h := hmac.New(sha256.New, s.key)
				h.Write(salt)
				if got, want := s.deriveKey(salt), h.Sum(nil); !hmac.Equal(got[:], want) {
					errs <- fmt.Errorf("secret %q, salt %x: key %x, want %x", s.key, salt, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Key rotation on a codec whose pools are warm: strings made with the
// current and with an old secret keep decoding, in any order, and a string
// made with a secret the codec does not hold keeps failing.
func TestRotationWithWarmPools(t *testing.T) {
	now := time.Unix(1800000000, 0)
	c := fixedCodec(t, now, nil, "new", "old")
	byNew := fixedCodec(t, now, nil, "new")
	byOld := fixedCodec(t, now, nil, "old")
	byOther := fixedCodec(t, now, nil, "other")
	value := map[string]any{"id": "1"}
	for i := range 50 {
		for _, tc := range []struct {
			by   *Codec
			want error
		}{{byOld, nil}, {byNew, nil}, {byOther, ErrTampered}, {c, nil}} {
			s, err := tc.by.Encode(value, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := c.Decode(s); !errors.Is(err, tc.want) {
				t.Fatalf("round %d: got %v, want %v", i, err, tc.want)
			}
		}
	}
}

// keyMAC is HMAC-SHA256: it gives crypto/hmac's result for every message
// length around and across SHA-256's block boundaries, for keys that change
// on every call, from many goroutines sharing the pooled states (run with
// -race).
func TestKeyMACMatchesCryptoHMAC(t *testing.T) {
	msg := make([]byte, 300)
	for i := range msg {
		msg[i] = byte(i*31 + 7)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Go(func() {
			for n := range len(msg) + 1 {
				var key [sha256.Size]byte
				for i := range key {
					key[i] = byte(n*13 + i*g + 1)
				}
				h := hmac.New(sha256.New, key[:])
				h.Write(msg[:n])
				want := h.Sum(nil)
				prefix := []byte("keep")
				got := keyMAC(&key, msg[:n], prefix)
				if string(got[:4]) != "keep" || !hmac.Equal(got[4:], want) {
					errs <- fmt.Errorf("message of %d bytes: %x, want %x after %q", n, got, want, prefix)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
