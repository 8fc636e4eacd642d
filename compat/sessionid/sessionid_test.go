package sessionid

import (
	"strings"
	"testing"
)

func TestNewIsValidAndUnique(t *testing.T) {
	schemes := map[string]struct {
		s   Scheme
		len int
	}{
		"Token":   {Token{}, 43},
		"Digits":  {Digits{}, 40},
		"Hex40":   {Hex40{}, 40},
		"Dancer2": {Dancer2{}, 32},
	}
	for name, tc := range schemes {
		t.Run(name, func(t *testing.T) {
			seen := map[string]bool{}
			for range 200 {
				id, err := tc.s.New()
				if err != nil {
					t.Fatal(err)
				}
				if len(id) != tc.len {
					t.Fatalf("len(%q) = %d, want %d", id, len(id), tc.len)
				}
				if !tc.s.Valid(id) {
					t.Fatalf("%q fails its own check", id)
				}
				if seen[id] {
					t.Fatalf("duplicate id %q", id)
				}
				seen[id] = true
			}
		})
	}
}

func TestValid(t *testing.T) {
	long := strings.Repeat("a", MaxLen+1)
	tests := []struct {
		scheme Scheme
		id     string
		want   bool
	}{
		{Token{}, "abcDEF012_-~", true},
		{Token{}, "", false},
		{Token{}, "../../etc/passwd", false},
		{Token{}, "a.b", false},
		{Token{}, "a b", false},
		{Token{}, "a%2F", false},
		{Token{}, long, false},
		{Digits{}, "35707187129134706413003145779983524", true},
		{Digits{}, "123abc", false},
		{Digits{}, "../1", false},
		{Digits{}, strings.Repeat("1", 65), false},
		{Hex40{}, "87706dd09fed69827210411dc825ee11bca5d915", true},
		{Hex40{}, "87706DD09FED69827210411DC825EE11BCA5D915", false},
		{Hex40{}, "87706dd09fed69827210411dc825ee11bca5d91", false},
		{Dancer2{}, "awvtGwAAQHzy6XW1kIlymzIIfUGa-itu", true},
		{Dancer2{}, "..%2Fx", false},
	}
	for _, tt := range tests {
		if got := tt.scheme.Valid(tt.id); got != tt.want {
			t.Errorf("%T.Valid(%q) = %v, want %v", tt.scheme, tt.id, got, tt.want)
		}
	}
}
