package securecookie

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dancergo/dancergo/compat/sereal"
)

const (
	// Separator joins the fields, as Session::Storage::Secure's default.
	Separator = '~'
	saltLen   = 32
	macLen    = sha256.Size
	// v1Magic starts an OpenSSL-format ciphertext (Crypt::CBC -pbkdf
	// opensslv1): the magic, then an 8-byte salt.
	v1Magic   = "Salted__"
	v1SaltLen = 8
)

var b64 = base64.RawURLEncoding

// Codec encodes and decodes Session::Storage::Secure strings with one
// current secret and, for key rotation, any number of old ones. It is safe
// for concurrent use.
type Codec struct {
	secrets []*secret // the current secret first
	encoder sereal.Encoder

	// Test hooks: the source of salts and the clock.
	rand io.Reader
	now  func() time.Time
}

// New returns a Codec that encodes with secret and decodes strings made
// with secret or any of oldSecrets (tried in that order), like
// Session::Storage::Secure's secret_key and old_secrets.
func New(secret string, oldSecrets ...string) (*Codec, error) {
	if secret == "" {
		return nil, ErrNoSecret
	}
	c := &Codec{rand: rand.Reader, now: time.Now}
	c.secrets = append(c.secrets, newSecret(secret))
	for _, s := range oldSecrets {
		if s != "" {
			c.secrets = append(c.secrets, newSecret(s))
		}
	}
	return c, nil
}

// secret is one secret key, with the HMAC-SHA256 instances keyed by it
// that derive the per-string keys. Keying an HMAC costs two SHA-256 blocks
// and five allocations, and the first HMAC of every Encode and Decode is
// keyed by the same secret, so the keyed instances are kept. Each secret
// has a pool of its own: an instance never serves another secret.
type secret struct {
	key  []byte
	macs sync.Pool // of *keyedMAC, keyed by key and reset
}

// keyedMAC is an HMAC-SHA256 keyed by a secret, and room for its sum.
type keyedMAC struct {
	hash.Hash
	sum [sha256.Size]byte
}

func newSecret(key string) *secret {
	s := &secret{key: []byte(key)}
	s.macs.New = func() any { return &keyedMAC{Hash: hmac.New(sha256.New, s.key)} }
	return s
}

// deriveKey is Session::Storage::Secure's hmac_sha256($salt, $secret): the
// secret is the HMAC key, the salt the message.
func (s *secret) deriveKey(salt []byte) [sha256.Size]byte {
	m := s.macs.Get().(*keyedMAC)
	m.Write(salt)
	key := [sha256.Size]byte(m.Sum(m.sum[:0]))
	// Back to the keyed state, with nothing of this salt or key left.
	m.Reset()
	clear(m.sum[:])
	s.macs.Put(m)
	return key
}

// Encode serializes v with Sereal (Snappy-compressed from 1024 bytes, as
// Dancer::Session::Cookie configures it) and seals it with a fresh random
// salt in a protocol 2 string. A zero expires writes an empty expiry field
// (the string never expires); otherwise the field is expires as Unix
// seconds.
func (c *Codec) Encode(v any, expires time.Time) (string, error) {
	plain, err := c.encoder.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("securecookie: %w", err)
	}
	var salt [saltLen]byte
	if _, err := io.ReadFull(c.rand, salt[:]); err != nil {
		return "", fmt.Errorf("securecookie: salt: %w", err)
	}
	exp := ""
	if !expires.IsZero() {
		exp = strconv.FormatInt(expires.Unix(), 10)
	}
	return c.seal(plain, salt[:], exp)
}

// seal encrypts and signs plain with the current secret. It encrypts plain
// in place, padded within its capacity when there is room.
func (c *Codec) seal(plain, salt []byte, expires string) (string, error) {
	key := c.secrets[0].deriveKey(salt)
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return "", fmt.Errorf("securecookie: %w", err)
	}
	var iv [aes.BlockSize]byte
	block.Encrypt(iv[:], salt[:aes.BlockSize])
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	ct := plain
	for range pad {
		ct = append(ct, byte(pad))
	}
	cipher.NewCBCEncrypter(block, iv[:]).CryptBlocks(ct, ct)

	// The string is built in one buffer, with room at its end for the
	// MAC's sum (a hash.Hash appends it).
	saltLen64, ctLen64, macLen64 := b64.EncodedLen(len(salt)), b64.EncodedLen(len(ct)), b64.EncodedLen(macLen)
	n := saltLen64 + len(expires) + ctLen64 + macLen64 + 5 // four separators and the version
	out := make([]byte, 0, n+macLen)
	out = b64.AppendEncode(out, salt)
	out = append(out, Separator)
	signed := len(out) // the MAC covers "expires~ciphertext"
	out = append(out, expires...)
	out = append(out, Separator)
	out = b64.AppendEncode(out, ct)
	sum := keyMAC(&key, out[signed:], out[n:n])
	out = append(out, Separator)
	out = b64.AppendEncode(out, sum)
	out = append(out, Separator, '2')
	return string(out), nil
}

// fields is a string split on the separator.
type fields struct {
	salt, expires, ciphertext, mac string
	signed                         string // "expires~ciphertext", what the MAC covers
	version                        int
}

// split checks the shape of s and splits it. Protocol 2 strings have five
// fields ending in "2"; protocol 1 strings have four (or a fifth "1").
func split(s string) (fields, error) {
	var f fields
	var parts [5]string
	n, rest := 0, s
	for ; n < 4; n++ {
		i := strings.IndexByte(rest, Separator)
		if i < 0 {
			break
		}
		parts[n], rest = rest[:i], rest[i+1:]
	}
	parts[n] = rest // the last field: everything after the fourth "~"
	n++
	switch {
	case n == 4:
		f.version = 1
	case n == 5 && parts[4] == "1":
		f.version = 1
	case n == 5 && parts[4] == "2":
		f.version = 2
	default:
		return f, fmt.Errorf("%w: %d fields or an unknown version", ErrInvalid, n)
	}
	f.salt, f.expires, f.ciphertext, f.mac = parts[0], parts[1], parts[2], parts[3]
	start := len(f.salt) + 1
	f.signed = s[start : start+len(f.expires)+1+len(f.ciphertext)]
	if f.salt == "" || f.ciphertext == "" || f.mac == "" {
		return f, fmt.Errorf("%w: empty field", ErrInvalid)
	}
	if len(f.expires) > 18 || strings.TrimLeft(f.expires, "0123456789") != "" {
		return f, fmt.Errorf("%w: expiry %q is not a Unix time", ErrInvalid, f.expires)
	}
	if len(f.mac) != b64.EncodedLen(macLen) {
		return f, fmt.Errorf("%w: MAC of %d characters", ErrInvalid, len(f.mac))
	}
	return f, nil
}

// Decode verifies and decrypts s and returns the value it holds and its
// expiry (zero when the string has none). The error wraps ErrInvalid,
// ErrTampered or ErrExpired.
func (c *Codec) Decode(s string) (v any, expires time.Time, err error) {
	f, err := split(s)
	if err != nil {
		return nil, time.Time{}, err
	}
	// One allocation for the bytes of the string that the hashes read
	// (hash.Hash takes a []byte), the decoded salt and ciphertext, and the
	// MAC's sum.
	buf := buffer(make([]byte, 0, len(f.signed)+len(f.salt)+b64.DecodedLen(len(f.ciphertext))+macLen))
	var salt []byte
	if f.version == 1 {
		salt = buf.copyString(f.salt) // a decimal number, used as it is
	} else {
		salt, err = buf.decodeBase64(f.salt)
		// The IV is the first AES block of the salt, and Perl's ECB call
		// needs whole blocks.
		if err != nil || len(salt) < aes.BlockSize || len(salt)%aes.BlockSize != 0 {
			return nil, time.Time{}, fmt.Errorf("%w: bad salt", ErrInvalid)
		}
	}
	key, ok := c.verify(salt, buf.copyString(f.signed), f.mac, buf.room(macLen))
	if !ok {
		return nil, time.Time{}, ErrTampered
	}
	if f.expires != "" {
		secs, _ := strconv.ParseInt(f.expires, 10, 64) // checked by split
		expires = time.Unix(secs, 0)
		if secs < c.now().Unix() {
			return nil, expires, ErrExpired
		}
	}
	ct, err := buf.decodeBase64(f.ciphertext)
	if err != nil {
		return nil, expires, fmt.Errorf("%w: ciphertext: %w", ErrInvalid, err)
	}
	var plain []byte
	if f.version == 1 {
		plain, err = decryptV1(key[:], ct)
	} else {
		plain, err = decryptV2(key[:], salt, ct)
	}
	if err != nil {
		return nil, expires, err
	}
	v, err = sereal.Unmarshal(plain)
	if err != nil {
		return nil, expires, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return v, expires, nil
}

// verify derives the key from each secret in turn and returns the one
// under which signed has the MAC mac. Like Perl, it compares the base64url
// strings in constant time. sum is room for a MAC.
func (c *Codec) verify(salt, signed []byte, mac string, sum []byte) ([sha256.Size]byte, bool) {
	var want [43]byte // b64.EncodedLen(macLen)
	for _, sk := range c.secrets {
		key := sk.deriveKey(salt)
		b64.Encode(want[:], keyMAC(&key, signed, sum[:0]))
		if subtle.ConstantTimeCompare(want[:], []byte(mac)) == 1 {
			return key, true
		}
	}
	return [sha256.Size]byte{}, false
}

// buffer hands out consecutive parts of one allocation. Each part's
// capacity ends at its length, so that nothing written to one part runs
// into the next.
type buffer []byte

// room returns the next n bytes. The caller sized the buffer for all its
// parts.
func (b *buffer) room(n int) []byte {
	start := len(*b)
	*b = (*b)[:start+n]
	return (*b)[start : start+n : start+n]
}

// copyString returns a copy of s.
func (b *buffer) copyString(s string) []byte {
	p := b.room(len(s))
	copy(p, s)
	return p
}

// decodeBase64 returns s decoded from base64url.
func (b *buffer) decodeBase64(s string) ([]byte, error) {
	p := b.room(b64.DecodedLen(len(s)))
	n, err := b64.Decode(p, []byte(s))
	return p[:n], err
}

// decryptV2 is Crypt::CBC with -header none: AES-256-CBC with the IV made
// from the salt, and PKCS#7 padding.
func decryptV2(key, salt, ct []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	var iv [aes.BlockSize]byte
	block.Encrypt(iv[:], salt[:aes.BlockSize])
	return decryptCBC(block, iv[:], ct)
}

// decryptV1 is Crypt::CBC with -pbkdf opensslv1: "Salted__", an 8-byte
// salt, then AES-256-CBC with key and IV from EVP_BytesToKey(MD5, pass,
// salt), where the pass phrase is the derived key.
func decryptV1(pass, ct []byte) ([]byte, error) {
	if len(ct) < len(v1Magic)+v1SaltLen || string(ct[:len(v1Magic)]) != v1Magic {
		return nil, fmt.Errorf("%w: protocol 1 ciphertext without %q header", ErrInvalid, v1Magic)
	}
	salt := ct[len(v1Magic) : len(v1Magic)+v1SaltLen]
	ct = ct[len(v1Magic)+v1SaltLen:]
	// EVP_BytesToKey: D1 = MD5(pass | salt), Di = MD5(Di-1 | pass | salt),
	// until there are 32 bytes of key and 16 of IV.
	var material []byte
	var prev []byte
	for len(material) < 32+aes.BlockSize {
		h := md5.New()
		h.Write(prev)
		h.Write(pass)
		h.Write(salt)
		prev = h.Sum(nil)
		material = append(material, prev...)
	}
	block, err := aes.NewCipher(material[:32])
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return decryptCBC(block, material[32:32+aes.BlockSize], ct)
}

// decryptCBC decrypts ct in place and removes its PKCS#7 padding.
func decryptCBC(block cipher.Block, iv, ct []byte) ([]byte, error) {
	if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: ciphertext of %d bytes is not whole AES blocks", ErrInvalid, len(ct))
	}
	plain := ct
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, ct)
	pad := int(plain[len(plain)-1])
	if pad == 0 || pad > aes.BlockSize {
		return nil, fmt.Errorf("%w: bad padding", ErrInvalid)
	}
	for _, b := range plain[len(plain)-pad:] {
		if int(b) != pad {
			return nil, fmt.Errorf("%w: bad padding", ErrInvalid)
		}
	}
	return plain[:len(plain)-pad], nil
}
