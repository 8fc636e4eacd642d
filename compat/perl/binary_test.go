package perl

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"
)

func sampleSession() map[string]any {
	return map[string]any{
		"id":     "35707187129134706413003145779983524",
		"user":   "alice",
		"count":  int64(-7),
		"big":    int64(math.MaxInt64),
		"pi":     3.14,
		"yes":    true,
		"no":     false,
		"undef":  nil,
		"utf8":   "café ☺ 日本",
		"list":   []any{"x", int64(2), nil, map[string]any{"k": "v"}},
		"empty":  map[string]any{},
		"object": &Object{Class: "My::User", Value: map[string]any{"roles": []any{"admin", "dev"}}},
		"ref":    &Ref{Value: &Ref{Value: "deep"}},
	}
}

func TestBinaryRoundTrip(t *testing.T) {
	deadline := time.Unix(1893456000, 123456789)
	for name, values := range map[string]map[string]any{
		"sample": sampleSession(),
		"empty":  {},
	} {
		b, err := BinaryCodec{}.Encode(deadline, values)
		if err != nil {
			t.Fatal(err)
		}
		gotDeadline, got, err := BinaryCodec{}.Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !gotDeadline.Equal(deadline) || !Equal(got, values) {
			t.Fatalf("%s: got %v %#v", name, gotDeadline, got)
		}
	}
	b, _ := BinaryCodec{}.Encode(time.Time{}, map[string]any{})
	if d, _, err := (BinaryCodec{}).Decode(b); err != nil || !d.IsZero() {
		t.Fatalf("zero deadline came back as %v, %v", d, err)
	}
}

func TestBinaryRejectsMalformed(t *testing.T) {
	good, err := BinaryCodec{}.Encode(time.Now(), sampleSession())
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"empty":          {},
		"wrong version":  {9, 0, tagHash, 0},
		"not a hash":     {binaryVersion, 0, tagString, 1, 'x'},
		"huge count":     {binaryVersion, 0, tagHash, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"unknown tag":    {binaryVersion, 0, tagHash, 1, 1, 'k', 200},
		"trailing bytes": append(append([]byte{}, good...), 0),
	}
	for i := 1; i < len(good); i++ {
		cases[fmt.Sprintf("truncated at %d", i)] = good[:i]
	}
	for name, b := range cases {
		if _, _, err := (BinaryCodec{}).Decode(b); !errors.Is(err, ErrBinary) {
			t.Errorf("%s: err = %v, want ErrBinary", name, err)
		}
	}
}

func TestBinaryRefusesUnsupported(t *testing.T) {
	if _, err := (BinaryCodec{}).Encode(time.Time{}, map[string]any{"c": make(chan int)}); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("err = %v", err)
	}
}

func FuzzBinaryDecode(f *testing.F) {
	good, _ := BinaryCodec{}.Encode(time.Now(), sampleSession())
	f.Add(good)
	f.Add([]byte{binaryVersion, 0, tagHash, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, v, err := BinaryCodec{}.Decode(b)
		if err != nil {
			return
		}
		again, err := BinaryCodec{}.Encode(time.Time{}, v)
		if err != nil {
			t.Fatalf("decoded value does not encode: %v", err)
		}
		if _, v2, err := (BinaryCodec{}).Decode(again); err != nil || !Equal(v, v2) {
			t.Fatalf("re-encoding changed the value: %v", err)
		}
	})
}

func BenchmarkBinaryEncode(b *testing.B) {
	v := sampleSession()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (BinaryCodec{}).Encode(time.Time{}, v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBinaryDecode(b *testing.B) {
	data, _ := BinaryCodec{}.Encode(time.Time{}, sampleSession())
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := (BinaryCodec{}).Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
