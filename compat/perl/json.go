package perl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// The JSON form of the model, used by the fixtures, by examples/login's
// GET /session and by the command-line tool: a blessed value is
// {"__class__": "Class", "value": ...} and a scalar reference {"__ref__": ...}.
const (
	jsonClassKey = "__class__"
	jsonValueKey = "value"
	jsonRefKey   = "__ref__"
)

// ToJSONValue returns v with every *Object and *Ref replaced by its JSON form,
// ready for encoding/json.
func ToJSONValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = ToJSONValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = ToJSONValue(e)
		}
		return out
	case *Object:
		return map[string]any{jsonClassKey: x.Class, jsonValueKey: ToJSONValue(x.Value)}
	case *Ref:
		return map[string]any{jsonRefKey: ToJSONValue(x.Value)}
	}
	return v
}

// MarshalJSON encodes v in the JSON form of the model.
func MarshalJSON(v any) ([]byte, error) {
	return json.Marshal(ToJSONValue(v))
}

// UnmarshalJSON decodes the JSON form of the model. Whole numbers become
// int64, other numbers float64.
func UnmarshalJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("perl: decode JSON: %w", err)
	}
	return FromJSONValue(raw)
}

// FromJSONValue converts a value decoded by encoding/json (with or without
// UseNumber) into the model, turning the {"__class__"} and {"__ref__"} forms
// back into *Object and *Ref.
func FromJSONValue(raw any) (any, error) {
	switch x := raw.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(x.String(), 10, 64); err == nil {
			return i, nil
		}
		f, err := x.Float64()
		if err != nil {
			return nil, fmt.Errorf("perl: number %s: %w", x, err)
		}
		return f, nil
	case float64:
		if x == float64(int64(x)) && x >= -1<<53 && x <= 1<<53 {
			return int64(x), nil
		}
		return x, nil
	case map[string]any:
		if class, ok := x[jsonClassKey].(string); ok && len(x) == 2 {
			if inner, ok := x[jsonValueKey]; ok {
				v, err := FromJSONValue(inner)
				if err != nil {
					return nil, err
				}
				return &Object{Class: class, Value: v}, nil
			}
		}
		if inner, ok := x[jsonRefKey]; ok && len(x) == 1 {
			v, err := FromJSONValue(inner)
			if err != nil {
				return nil, err
			}
			return &Ref{Value: v}, nil
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			v, err := FromJSONValue(e)
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			v, err := FromJSONValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	return raw, nil
}
