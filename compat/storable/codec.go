package storable

import (
	"fmt"
	"time"

	"github.com/dancergo/dancergo/compat/perl"
)

// Codec is an scs Codec (github.com/alexedwards/scs/v2) that stores session
// values as Perl's Dancer engines do: Storable::nfreeze of the session hash,
// blessed into Class. Dancer::Session::Memcached uses
// Codec{Class: "Dancer::Session::Memcached"}; Plack::Session::Store::Cache
// stores a plain hash (Class "").
//
// Storable carries no expiry, so Decode returns a zero deadline: the store
// (memcached's exptime, a file's age) keeps it, if anything does.
type Codec struct {
	// Class is the package the session hash is blessed into; empty for a
	// plain hash.
	Class string
}

// Encode writes values as nfreeze bytes. The deadline is not stored.
func (c Codec) Encode(_ time.Time, values map[string]any) ([]byte, error) {
	if values == nil {
		values = map[string]any{}
	}
	if c.Class == "" {
		return Marshal(values)
	}
	return Marshal(&perl.Object{Class: c.Class, Value: values})
}

// Decode reads a frozen session. The top level must be a hash, blessed into
// any class or not (Perl would thaw either); anything else is an error
// wrapping ErrNotHash.
func (c Codec) Decode(b []byte) (time.Time, map[string]any, error) {
	v, err := Unmarshal(b)
	if err != nil {
		return time.Time{}, nil, err
	}
	values, ok := SessionHash(v)
	if !ok {
		return time.Time{}, nil, fmt.Errorf("%w (got %T)", ErrNotHash, v)
	}
	return time.Time{}, values, nil
}

// SessionHash unwraps what a Dancer engine stores: a hash, blessed or not.
func SessionHash(v any) (map[string]any, bool) {
	if o, ok := v.(*perl.Object); ok {
		v = o.Value
	}
	h, ok := v.(map[string]any)
	return h, ok
}
