package securecookie

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dancergo/dancergo/compat/perl"
)

func TestDecodeFixtures(t *testing.T) {
	fixtures := readFixtures(t)
	if len(fixtures) != 12 {
		t.Fatalf("found %d cookie fixtures, want 12", len(fixtures))
	}
	for _, f := range fixtures {
		t.Run(f.Name, func(t *testing.T) {
			v, expires, err := fixedCodec(t, fixtureTime, nil, f.Secret).Decode(f.Cookie)
			switch {
			case f.Name == "vector-expired":
				if !errors.Is(err, ErrExpired) {
					t.Fatalf("got %v, want ErrExpired", err)
				}
				return
			case f.Name == "vector-tampered":
				if !errors.Is(err, ErrTampered) {
					t.Fatalf("got %v, want ErrTampered", err)
				}
				return
			case !f.Decodes:
				t.Fatalf("unexpected fixture %s that does not decode", f.Name)
			}
			if err != nil {
				t.Fatal(err)
			}
			if !perl.Equal(v, f.Value) {
				t.Errorf("got  %#v\nwant %#v", v, f.Value)
			}
			if !expires.IsZero() {
				if got := expires.Unix(); f.Expires == "" || got != mustAtoi(t, f.Expires) {
					t.Errorf("expires %d, fixture says %q", got, f.Expires)
				}
			} else if f.Expires != "" {
				t.Errorf("no expiry, fixture says %q", f.Expires)
			}
		})
	}
}

func mustAtoi(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	for _, c := range s {
		n = n*10 + int64(c-'0')
	}
	return n
}

// The deterministic vectors are reproduced byte for byte: the derived key
// and IV, and the whole cookie from the Sereal document and salt.
func TestSealReproducesVectors(t *testing.T) {
	n := 0
	for _, f := range readFixtures(t) {
		if !strings.HasPrefix(f.Name, "vector-") || f.Inter.SaltHex == "" {
			continue
		}
		n++
		t.Run(f.Name, func(t *testing.T) {
			salt := f.hex(t, f.Inter.SaltHex)
			key := newSecret(f.Secret).deriveKey(salt)
			if !bytes.Equal(key[:], f.hex(t, f.Inter.KeyHex)) {
				t.Errorf("key %x, want %s", key, f.Inter.KeyHex)
			}
			block, _ := aes.NewCipher(key[:])
			var iv [16]byte
			block.Encrypt(iv[:], salt[:16])
			if !bytes.Equal(iv[:], f.hex(t, f.Inter.IVHex)) {
				t.Errorf("iv %x, want %s", iv, f.Inter.IVHex)
			}
			c := fixedCodec(t, fixtureTime, nil, f.Secret)
			got, err := c.seal(f.hex(t, f.Inter.SerealHex), salt, f.Expires)
			if err != nil {
				t.Fatal(err)
			}
			if got != f.Cookie {
				t.Errorf("got  %s\nwant %s", got, f.Cookie)
			}
		})
	}
	if n < 4 {
		t.Fatalf("only %d protocol 2 vectors", n)
	}
}

// Protocol 1's key is HMAC-SHA256(secret, the decimal salt as text).
func TestProtocol1Key(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixturesDir(t), "vector-protocol1.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Secret string `json:"secret_key"`
		Inter  struct {
			Salt string `json:"salt_decimal"`
			Key  string `json:"derived_key_hex"`
		} `json:"intermediate"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if key := newSecret(v.Secret).deriveKey([]byte(v.Inter.Salt)); hex.EncodeToString(key[:]) != v.Inter.Key {
		t.Errorf("key %x, want %s", key, v.Inter.Key)
	}
}

// Encode, given the vectors' salt, makes the very cookies Perl made (the
// vectors' Sereal documents have sorted keys, and Snappy compresses
// vector-snappy's body as Perl's csnappy does).
func TestEncodeReproducesVectors(t *testing.T) {
	for _, name := range []string{"vector-simple", "vector-expires-2033", "vector-snappy"} {
		t.Run(name, func(t *testing.T) {
			var f fixture
			for _, x := range readFixtures(t) {
				if x.Name == name {
					f = x
				}
			}
			c := fixedCodec(t, fixtureTime, f.hex(t, f.Inter.SaltHex), f.Secret)
			var exp time.Time
			if f.Expires != "" {
				exp = time.Unix(mustAtoi(t, f.Expires), 0)
			}
			got, err := c.Encode(f.Value, exp)
			if err != nil {
				t.Fatal(err)
			}
			if got != f.Cookie {
				t.Errorf("got  %s\nwant %s", got, f.Cookie)
			}
		})
	}
}

func TestEncodeDecode(t *testing.T) {
	now := time.Unix(1800000000, 0)
	c := fixedCodec(t, now, nil, "current-secret")
	value := map[string]any{"id": "1", "user": "bob", "big": strings.Repeat("item,", 500)}
	tests := []struct {
		name    string
		expires time.Time
		decoder *Codec
		want    error
	}{
		{"no expiry", time.Time{}, c, nil},
		{"future expiry", now.Add(time.Hour), c, nil},
		{"expires this second", now, c, nil},
		{"expired", now.Add(-time.Second), c, ErrExpired},
		{"other secret", time.Time{}, fixedCodec(t, now, nil, "another-secret"), ErrTampered},
		{"rotated: old secret", time.Time{}, fixedCodec(t, now, nil, "newer-secret", "older", "current-secret"), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := c.Encode(value, tc.expires)
			if err != nil {
				t.Fatal(err)
			}
			v, exp, err := tc.decoder.Decode(s)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if err != nil {
				return
			}
			if !perl.Equal(v, map[string]any(value)) {
				t.Errorf("got %#v", v)
			}
			if !exp.Equal(tc.expires) {
				t.Errorf("expires %v, want %v", exp, tc.expires)
			}
		})
	}
}

func TestEncodeUsesFreshSalt(t *testing.T) {
	c, err := New("secret")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := c.Encode(map[string]any{"k": "v"}, time.Time{})
	b, _ := c.Encode(map[string]any{"k": "v"}, time.Time{})
	if a == b || a[:43] == b[:43] {
		t.Errorf("two encodings share a salt:\n%s\n%s", a, b)
	}
}

func TestNewNeedsSecret(t *testing.T) {
	if _, err := New(""); !errors.Is(err, ErrNoSecret) {
		t.Fatalf("got %v, want ErrNoSecret", err)
	}
}

func TestDecodeRejects(t *testing.T) {
	c := fixedCodec(t, fixtureTime, nil, "test-secret-key-0123456789abcdef")
	good, err := c.Encode(map[string]any{"id": "1"}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Split(good, "~")
	join := func(p ...string) string { return strings.Join(p, "~") }
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	// an authentic cookie whose plaintext is not a Sereal document
	notSereal, err := c.seal([]byte("x"), bytes.Repeat([]byte{1}, 32), "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, cookie string
		want         error
	}{
		{"empty", "", ErrInvalid},
		{"one field", "abc", ErrInvalid},
		{"three fields", join(f[0], f[1], f[2]), ErrInvalid},
		{"six fields", good + "~x", ErrInvalid},
		{"version 3", join(f[0], f[1], f[2], f[3], "3"), ErrInvalid},
		{"empty version", join(f[0], f[1], f[2], f[3], ""), ErrInvalid},
		{"empty salt", join("", f[1], f[2], f[3], "2"), ErrInvalid},
		{"empty ciphertext", join(f[0], f[1], "", f[3], "2"), ErrInvalid},
		{"empty mac", join(f[0], f[1], f[2], "", "2"), ErrInvalid},
		{"expiry not a number", join(f[0], "12ab", f[2], f[3], "2"), ErrInvalid},
		{"negative expiry", join(f[0], "-5", f[2], f[3], "2"), ErrInvalid},
		{"salt not base64", join("!!!!", f[1], f[2], f[3], "2"), ErrInvalid},
		{"salt too short", join("AAAA", f[1], f[2], f[3], "2"), ErrInvalid},
		{"mac too short", join(f[0], f[1], f[2], f[3][:40], "2"), ErrInvalid},
		{"ciphertext changed", join(f[0], f[1], flip(f[2], 5), f[3], "2"), ErrTampered},
		{"mac changed", join(f[0], f[1], f[2], flip(f[3], 5), "2"), ErrTampered},
		{"salt changed", join(flip(f[0], 5), f[1], f[2], f[3], "2"), ErrTampered},
		{"expiry added", join(f[0], "2000000000", f[2], f[3], "2"), ErrTampered},
		{"as protocol 1", join(f[0], f[1], f[2], f[3]), ErrTampered},
		{"authentic but not Sereal", notSereal, ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, _, err := c.Decode(tc.cookie)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %#v, %v; want %v", v, err, tc.want)
			}
		})
	}
}

func TestDecryptCBCPadding(t *testing.T) {
	block, _ := aes.NewCipher(make([]byte, 32))
	iv := make([]byte, 16)
	encrypt := func(plain []byte) []byte {
		ct := make([]byte, len(plain))
		cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, plain)
		return ct
	}
	good := append(bytes.Repeat([]byte{'a'}, 13), 3, 3, 3)
	tests := []struct {
		name string
		ct   []byte
		want []byte
	}{
		{"valid", encrypt(good), good[:13]},
		{"full block of padding", encrypt(bytes.Repeat([]byte{16}, 16)), []byte{}},
		{"zero pad", encrypt(make([]byte, 16)), nil},
		{"pad above block", encrypt(bytes.Repeat([]byte{17}, 16)), nil},
		{"inconsistent pad", encrypt(append(bytes.Repeat([]byte{'a'}, 13), 2, 9, 3)), nil},
		{"not whole blocks", make([]byte, 15), nil},
		{"empty", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decryptCBC(block, iv, tc.ct)
			if tc.want == nil {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("got %q, %v; want ErrInvalid", got, err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, tc.want) {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
