package perlyaml

import (
	"strings"

	"github.com/dancergo/dancergo/compat/perl"
)

// applyTag gives a node its tag's meaning, as YAML::Loader::_parse_explicit
// does with $YAML::LoadBlessed set. tag is the text after the first "!".
func (d *decoder) applyTag(tag string, v any) (any, error) {
	t := strings.TrimPrefix(tag, "!")
	if name, isPerl := strings.CutPrefix(t, "perl/"); isPerl {
		kind, class, _ := strings.Cut(name, ":")
		if class == "" || validClass(class) {
			switch kind {
			case "hash", "array":
				return d.bless(class, v)
			case "ref":
				m, isMap := v.(map[string]any)
				inner, has := m[valueKey]
				if !isMap || !has || len(m) != 1 {
					return nil, d.errorf("!%s without its one \"=\" key", tag)
				}
				return d.bless(class, &perl.Ref{Value: inner})
			case "scalar":
				if class != "" && !isReference(v) {
					return &perl.Object{Class: class, Value: &perl.Ref{Value: v}}, nil
				}
				return d.bless(class, v)
			case "code", "regexp", "glob":
				return v, nil // no model for these: the node as it is
			}
		}
		// YAML.pm's older forms: !perl/Class, !perl/@Class, !perl/$Class.
		if tag == t {
			if c := strings.TrimLeft(name, "@$"); validOldClass(c) {
				if !isReference(v) {
					return &perl.Object{Class: c, Value: &perl.Ref{Value: v}}, nil
				}
				return d.bless(c, v)
			}
		}
	}
	return v, nil // a tag YAML.pm does not act on
}

// bless blesses a reference into class (nothing when class is empty).
func (d *decoder) bless(class string, v any) (any, error) {
	if class == "" {
		return v, nil
	}
	switch x := v.(type) {
	case map[string]any, []any, *perl.Ref:
		return &perl.Object{Class: class, Value: x}, nil
	case *perl.Object:
		return &perl.Object{Class: class, Value: x.Value}, nil // re-blessed
	}
	return nil, d.errorf("cannot bless a scalar into %s (not a reference)", class)
}

// validOldClass is the class part of YAML.pm's m{^perl/(\@|\$)?([a-zA-Z](\w|::)+)$}.
func validOldClass(c string) bool {
	return len(c) > 1 && (c[0] >= 'a' && c[0] <= 'z' || c[0] >= 'A' && c[0] <= 'Z') && validClass(c)
}
