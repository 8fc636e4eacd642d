package perlyaml

import "strings"

// flowValue reads a one-line flow collection ([a, b] or {k: v}) that is the
// rest of a line; YAML.pm writes only the empty ones, [] and {}.
func (d *decoder) flowValue(s string) (any, error) {
	v, rest, err := d.flow(s)
	if err != nil {
		return nil, err
	}
	if !isBlankOrComment(rest) {
		return nil, d.errorf("text after flow collection: %q", truncate(rest))
	}
	return v, nil
}

// flow reads one flow node at the front of s and returns the rest.
func (d *decoder) flow(s string) (any, string, error) {
	anchor, tag, s, err := d.properties(trimSpaces(s))
	if err != nil {
		return nil, "", err
	}
	if s == "" {
		return nil, "", d.errorf("missing value in flow collection")
	}
	start := d.nodes
	var v any
	switch s[0] {
	case '*':
		if anchor != "" || tag != "" {
			return nil, "", d.errorf("an alias cannot have an anchor or a tag")
		}
		name, rest := flowToken(s[1:])
		v, err = d.alias(name)
		return v, rest, err
	case '[':
		v, s, err = d.flowSeq(s[1:])
	case '{':
		v, s, err = d.flowMap(s[1:])
	case '"', '\'':
		v, s, err = d.quoted(s)
	default:
		var text string
		text, s = flowPlain(s)
		v = plainValue(text)
	}
	if err != nil {
		return nil, "", err
	}
	d.nodes++
	if tag != "" {
		if v, err = d.applyTag(tag, v); err != nil {
			return nil, "", err
		}
	}
	if anchor != "" {
		d.setAnchor(anchor, v, d.nodes-start)
	}
	return v, s, nil
}

func (d *decoder) flowSeq(s string) (any, string, error) {
	if err := d.enter(); err != nil {
		return nil, "", err
	}
	base := len(d.items)
	s = trimSpaces(s)
	for !strings.HasPrefix(s, "]") {
		v, rest, err := d.flow(s)
		if err != nil {
			return nil, "", err
		}
		d.items = append(d.items, v)
		if s = trimSpaces(rest); strings.HasPrefix(s, ",") {
			s = trimSpaces(s[1:])
		} else if !strings.HasPrefix(s, "]") {
			return nil, "", d.errorf("expected , or ] in flow sequence")
		}
	}
	out := d.toSlice(base)
	d.depth--
	return out, s[1:], nil
}

func (d *decoder) flowMap(s string) (any, string, error) {
	if err := d.enter(); err != nil {
		return nil, "", err
	}
	base := len(d.kvs)
	s = trimSpaces(s)
	for !strings.HasPrefix(s, "}") {
		k, rest, err := d.flow(s)
		if err != nil {
			return nil, "", err
		}
		var key string
		switch x := k.(type) {
		case nil:
		case string:
			key = x
		default:
			return nil, "", d.errorf("a collection as a mapping key")
		}
		if !strings.HasPrefix(rest, ": ") && rest != ":" {
			return nil, "", d.errorf("expected \": \" in flow mapping")
		}
		v, rest, err := d.flow(rest[1:])
		if err != nil {
			return nil, "", err
		}
		d.kvs = append(d.kvs, keyValue{key, v})
		if s = trimSpaces(rest); strings.HasPrefix(s, ",") {
			s = trimSpaces(s[1:])
		} else if !strings.HasPrefix(s, "}") {
			return nil, "", d.errorf("expected , or } in flow mapping")
		}
	}
	m := d.toMap(base)
	d.depth--
	return m, s[1:], nil
}

// flowPlain returns the plain scalar at the front of s: up to a flow
// indicator or ": ".
func flowPlain(s string) (string, string) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '[', ']', '{', '}':
			return s[:i], s[i:]
		case ':':
			if i+1 == len(s) || s[i+1] == ' ' {
				return s[:i], s[i:]
			}
		}
	}
	return s, ""
}

func flowToken(s string) (string, string) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', ',', ']', '}':
			return s[:i], s[i:]
		}
	}
	return s, ""
}
