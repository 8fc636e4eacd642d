package perlyaml

import (
	"fmt"
	"time"

	"github.com/dancergo/dancergo/compat/perl"
)

// Codec is an scs Codec (github.com/alexedwards/scs/v2) that stores session
// values as YAML.pm writes a Dancer session: the values hash, blessed into
// Class. YAML files carry no deadline, so Decode returns the zero time.
type Codec struct {
	// Class is the class the hash is blessed into: "Dancer::Session::YAML"
	// for Dancer 1's YAML engine. Empty writes a plain hash, as Dancer2's
	// YAML engine does.
	Class string
}

// Encode writes values as a YAML document; the deadline is not stored.
func (c Codec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	if values == nil {
		values = map[string]any{}
	}
	var v any = values
	if c.Class != "" {
		v = &perl.Object{Class: c.Class, Value: values}
	}
	return Marshal(v)
}

// Decode reads a YAML document whose top level is a hash, blessed or not
// (so it reads both Dancer 1 and Dancer2 files, whatever Class is), and
// returns its values.
func (c Codec) Decode(b []byte) (time.Time, map[string]any, error) {
	v, err := Unmarshal(b)
	if err != nil {
		return time.Time{}, nil, err
	}
	if o, ok := v.(*perl.Object); ok {
		v = o.Value
	}
	values, ok := v.(map[string]any)
	if !ok {
		return time.Time{}, nil, fmt.Errorf("%w (it is %s)", ErrNotHash, describe(v))
	}
	return time.Time{}, values, nil
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "undef"
	case string:
		return "a string"
	case []any:
		return "an array"
	case *perl.Ref:
		return "a scalar reference"
	}
	return fmt.Sprintf("%T", v)
}
