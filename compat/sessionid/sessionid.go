// Package sessionid makes and checks the session ids of the Dancer-family
// engines. Every scheme draws from crypto/rand with at least 128 bits, and
// every check is strict enough that a valid id is safe as a file name or a
// store key: it never holds a path separator, a dot or a control character.
package sessionid

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
)

// Scheme makes new session ids and validates ids read from cookies.
type Scheme interface {
	// New returns a fresh id.
	New() (string, error)
	// Valid reports whether id is shaped like an id of this scheme.
	Valid(id string) bool
}

// MaxLen is the longest id any scheme accepts: longer cookie values are
// rejected before any store sees them.
const MaxLen = 128

// Token is scs's own id: 32 random bytes in unpadded base64url (43
// characters). It accepts any id made of Dancer's id characters
// ([A-Za-z0-9_~-], see Dancer::Session::Abstract::validate_session_id) of at
// most MaxLen characters, so sessions made by an scs app or by Dancer are
// found too.
type Token struct{}

// New returns 32 random bytes as unpadded base64url.
func (Token) New() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("sessionid: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Valid accepts 1 to MaxLen characters of [A-Za-z0-9_~-].
func (Token) Valid(id string) bool {
	if len(id) == 0 || len(id) > MaxLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if !dancerIDChar(id[i]) {
			return false
		}
	}
	return true
}

func dancerIDChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '-' || c == '~'
}

// Digits is Dancer 1's id shape: decimal digits only, the only ids Dancer 1's
// YAML engine maps to files. New draws a uniform number below 10^40 (more than
// 132 bits) and writes it as 40 digits; Valid accepts 1 to 64 digits, which
// covers Perl's own 30-to-39-digit ids.
type Digits struct{}

var tenTo40 = new(big.Int).Exp(big.NewInt(10), big.NewInt(40), nil)

// New returns 40 random decimal digits.
func (Digits) New() (string, error) {
	n, err := rand.Int(rand.Reader, tenTo40)
	if err != nil {
		return "", fmt.Errorf("sessionid: %w", err)
	}
	return fmt.Sprintf("%040s", n.String()), nil
}

// Valid accepts 1 to 64 decimal digits.
func (Digits) Valid(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

// Hex40 is Plack::Middleware::Session's id: 40 lowercase hex digits. New
// draws 160 random bits; Valid is Plack's own check, \A[0-9a-f]{40}\z.
type Hex40 struct{}

// New returns 20 random bytes as lowercase hex.
func (Hex40) New() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("sessionid: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// Valid accepts exactly 40 lowercase hex digits.
func (Hex40) Valid(id string) bool {
	if len(id) != 40 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Dancer2 is Dancer2's id shape: 32 characters of base64url. New draws 24
// random bytes (192 bits; Dancer2 itself spends 64 of them on the time and
// pid); Valid accepts any id of Dancer's id characters, as Dancer2 does.
type Dancer2 struct{}

// New returns 24 random bytes as base64url (32 characters).
func (Dancer2) New() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("sessionid: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Valid accepts 1 to MaxLen characters of [A-Za-z0-9_~-].
func (Dancer2) Valid(id string) bool { return Token{}.Valid(id) }
