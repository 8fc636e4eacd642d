// Package securecookie reads and writes the strings of Perl's
// Session::Storage::Secure 1.000, the format of Dancer::Session::Cookie's
// cookies:
//
//	base64url(salt) ~ expires ~ base64url(ciphertext) ~ base64url(mac) ~ 2
//
// The salt is 32 random bytes; the key is HMAC-SHA256(secret, salt); the
// ciphertext is AES-256-CBC (key, IV = AES-256(key, salt[:16]), PKCS#7
// padding) of a Sereal document; the MAC is HMAC-SHA256(key,
// expires + "~" + base64url(ciphertext)); expires is empty or a Unix time in
// seconds. base64url has no padding. Encode writes protocol 2; Decode also
// reads protocol 1 (four fields, a decimal salt, and a ciphertext in
// OpenSSL's "Salted__" format keyed by EVP_BytesToKey with MD5).
//
// Decode checks in Perl's order: the shape, then the MAC (in constant time,
// against the current secret and then each old one), then the expiry, and
// only then decrypts. Its errors say which check failed: ErrInvalid,
// ErrTampered, ErrExpired.
package securecookie
