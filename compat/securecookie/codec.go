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
	"io"
	"strconv"
	"strings"
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
	secrets [][]byte // the current secret first
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
	c.secrets = append(c.secrets, []byte(secret))
	for _, s := range oldSecrets {
		if s != "" {
			c.secrets = append(c.secrets, []byte(s))
		}
	}
	return c, nil
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
	salt := make([]byte, saltLen)
	if _, err := io.ReadFull(c.rand, salt); err != nil {
		return "", fmt.Errorf("securecookie: salt: %w", err)
	}
	exp := ""
	if !expires.IsZero() {
		exp = strconv.FormatInt(expires.Unix(), 10)
	}
	return c.seal(plain, salt, exp)
}

// seal encrypts and signs plain with the current secret.
func (c *Codec) seal(plain, salt []byte, expires string) (string, error) {
	key := deriveKey(c.secrets[0], salt)
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return "", fmt.Errorf("securecookie: %w", err)
	}
	var iv [aes.BlockSize]byte
	block.Encrypt(iv[:], salt[:aes.BlockSize])
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	ct := make([]byte, len(plain)+pad)
	copy(ct, plain)
	for i := len(plain); i < len(ct); i++ {
		ct[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(block, iv[:]).CryptBlocks(ct, ct)

	saltLen64, ctLen64, macLen64 := b64.EncodedLen(len(salt)), b64.EncodedLen(len(ct)), b64.EncodedLen(macLen)
	out := make([]byte, 0, saltLen64+len(expires)+ctLen64+macLen64+6)
	out = b64.AppendEncode(out, salt)
	out = append(out, Separator)
	signed := len(out) // the MAC covers "expires~ciphertext"
	out = append(out, expires...)
	out = append(out, Separator)
	out = b64.AppendEncode(out, ct)
	mac := hmac.New(sha256.New, key[:])
	mac.Write(out[signed:])
	out = append(out, Separator)
	out = b64.AppendEncode(out, mac.Sum(nil))
	out = append(out, Separator, '2')
	return string(out), nil
}

// deriveKey is Session::Storage::Secure's hmac_sha256($salt, $secret): the
// secret is the HMAC key, the salt the message.
func deriveKey(secret, salt []byte) [sha256.Size]byte {
	h := hmac.New(sha256.New, secret)
	h.Write(salt)
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

// fields is a string split on the separator.
type fields struct {
	salt, expires, ciphertext, mac string
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
	var salt []byte
	if f.version == 1 {
		salt = []byte(f.salt) // a decimal number, used as it is
	} else {
		salt, err = b64.DecodeString(f.salt)
		// The IV is the first AES block of the salt, and Perl's ECB call
		// needs whole blocks.
		if err != nil || len(salt) < aes.BlockSize || len(salt)%aes.BlockSize != 0 {
			return nil, time.Time{}, fmt.Errorf("%w: bad salt", ErrInvalid)
		}
	}
	key, ok := c.verify(salt, f)
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
	ct, err := b64.DecodeString(f.ciphertext)
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
// whose MAC matches. Like Perl, it compares the base64url strings in
// constant time.
func (c *Codec) verify(salt []byte, f fields) ([sha256.Size]byte, bool) {
	var want [43]byte // b64.EncodedLen(macLen)
	var sum [sha256.Size]byte
	for _, secret := range c.secrets {
		key := deriveKey(secret, salt)
		h := hmac.New(sha256.New, key[:])
		h.Write([]byte(f.expires))
		h.Write([]byte{Separator})
		h.Write([]byte(f.ciphertext))
		b64.Encode(want[:], h.Sum(sum[:0]))
		if subtle.ConstantTimeCompare(want[:], []byte(f.mac)) == 1 {
			return key, true
		}
	}
	return [sha256.Size]byte{}, false
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
