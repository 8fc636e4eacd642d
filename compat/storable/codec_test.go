package storable

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/internal/e2e"
)

var _ scs.Codec = Codec{}

func TestCodecDecodesDancerValue(t *testing.T) {
	data, err := os.ReadFile(e2e.Shared(t, "fixtures", "storable", "memcached-simple.bin"))
	if err != nil {
		t.Fatal(err)
	}
	deadline, values, err := Codec{Class: "Dancer::Session::Memcached"}.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if !deadline.IsZero() {
		t.Errorf("deadline = %v, want zero", deadline)
	}
	if values["user"] != "bob" || values["count"] != int64(3) || values["id"] != "910469455465857137681751937333925346" {
		t.Errorf("values = %s", show(values))
	}
}

func TestCodecRoundTrip(t *testing.T) {
	values := map[string]any{"id": "42", "user": "bob", "obj": &perl.Object{Class: "My::User", Value: map[string]any{"n": int64(1)}}}
	tests := []struct {
		class string
		top   any
	}{
		{"Dancer::Session::Memcached", &perl.Object{Class: "Dancer::Session::Memcached", Value: values}},
		{"", values},
	}
	for _, tt := range tests {
		t.Run(tt.class, func(t *testing.T) {
			c := Codec{Class: tt.class}
			b, err := c.Encode(time.Now().Add(time.Hour), values)
			if err != nil {
				t.Fatal(err)
			}
			top, err := Unmarshal(b)
			if err != nil {
				t.Fatal(err)
			}
			if !perl.Equal(top, tt.top) {
				t.Errorf("stored %s, want %s", show(top), show(tt.top))
			}
			_, got, err := c.Decode(b)
			if err != nil || !perl.Equal(got, values) {
				t.Errorf("Decode = %s, %v", show(got), err)
			}
		})
	}
}

func TestCodecEncodesNilAsEmptyHash(t *testing.T) {
	b, err := Codec{}.Encode(time.Time{}, nil)
	if err != nil || string(b) != "\x05\x0b\x03\x00\x00\x00\x00" {
		t.Errorf("Encode(nil) = %x, %v", b, err)
	}
}

func TestCodecRejects(t *testing.T) {
	tests := []struct {
		name string
		doc  []byte
		want error
	}{
		{"array at the top", mustHex(t, "050b0200000000"), ErrNotHash},
		{"blessed array", mustHex(t, "050b1101430200000000"), ErrNotHash},
		{"scalar", mustHex(t, "050b0a0178"), ErrNotHash},
		{"garbage", []byte("not storable"), ErrFormat},
		{"truncated", mustHex(t, "050b03000000"), ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := (Codec{}).Decode(tt.doc); !errors.Is(err, tt.want) {
				t.Errorf("Decode = %v, want %v", err, tt.want)
			}
		})
	}
}
