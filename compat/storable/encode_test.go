package storable

import (
	"encoding/hex"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/compat/perl"
)

// TestMarshal pins the writer's bytes. Each expectation is what Perl's
// nfreeze writes for the same data with $Storable::canonical set (and
// TestPerlThawsMarshal has Perl read them all back).
func TestMarshal(t *testing.T) {
	tests := []struct {
		name string
		in   any
		hex  string
	}{
		{"ascii string", "abc", "0a03616263"},
		{"latin-1 text is a byte string", "café", "0a04636166e9"},
		{"wide text is UTF-8", "café☺", "1708636166c3a9e298ba"},
		{"astral character", "😀", "1704f09f9880"},
		{"invalid UTF-8 becomes U+FFFD", "a\xffb", "170561efbfbd62"},
		{"255 bytes stay short", strings.Repeat("a", 255), "0aff" + strings.Repeat("61", 255)},
		{"256 bytes are long", strings.Repeat("a", 256), "0100000100" + strings.Repeat("61", 256)},
		{"long latin-1", strings.Repeat("é", 256), "0100000100" + strings.Repeat("e9", 256)},
		{"long UTF-8", strings.Repeat("☺", 100), "180000012c" + strings.Repeat("e298ba", 100)},
		{"undef", nil, "05"},
		{"true", true, "0f"},
		{"false", false, "10"},
		{"zero", int64(0), "0880"},
		{"-128", int64(-128), "0800"},
		{"127", int64(127), "08ff"},
		{"128", int64(128), "0900000080"},
		{"-129", int64(-129), "09ffffff7f"},
		{"min int32", int64(math.MinInt32), "0980000000"},
		{"max int32 + 1", int64(math.MaxInt32) + 1, "0a0a32313437343833363438"},
		{"min int64", int64(math.MinInt64), "0a142d39323233333732303336383534373735383038"},
		{"go int", 42, "08aa"},
		{"float", 3.14, "0a04332e3134"},
		{"float 1e20", 1e20, "0a0531652b3230"},
		{"integral float", 3.0, "0883"},
		{"negative zero", math.Copysign(0, -1), "0880"},
		{"integral float above int32", 1e15, "0a1031303030303030303030303030303030"},
		{"2^53", float64(1 << 53), "0a14392e3030373139393235343734303939652b3135"},
		{"NaN", math.NaN(), "0a034e614e"},
		{"-Inf", math.Inf(-1), "0a042d496e66"},
		{"empty hash", map[string]any{}, "0300000000"},
		{"hash with sorted keys", map[string]any{"b": int64(2), "a": int64(1)}, "03 00000002 0881 00000001 61 0882 00000001 62"},
		{"latin-1 key", map[string]any{"kéy": int64(1)}, "03000000010881000000036be979"},
		{"wide key makes a flag hash", map[string]any{"☺": int64(1), "b": int64(2), "é": int64(3)},
			"19 00 00000003 0882 00 00000001 62 0883 00 00000001 e9 0881 01 00000003 e298ba"},
		{"array", []any{int64(1), "a", nil}, "020000000308810a016105"},
		{"nested hash is a reference", map[string]any{"h": map[string]any{}}, "03 00000001 04 0300000000 00000001 68"},
		{"scalar ref", &perl.Ref{Value: "x"}, "040a0178"},
		{"ref to ref", &perl.Ref{Value: &perl.Ref{Value: "x"}}, "04040a0178"},
		{"ref to hash ref", &perl.Ref{Value: map[string]any{}}, "04040300000000"},
		{"nil ref is undef", []any{(*perl.Ref)(nil), (*perl.Object)(nil)}, "02000000020505"},
		{"blessed hash", &perl.Object{Class: "My::User", Value: map[string]any{"name": "alice", "uid": int64(1001)}},
			"11084d793a3a5573657203000000020a05616c696365000000046e616d6509000003e900000003756964"},
		{"blessed array", &perl.Object{Class: "My::List", Value: []any{int64(1)}}, "11084d793a3a4c69737402000000010881"},
		{"blessed scalar", &perl.Object{Class: "C", Value: "x"}, "1101430a0178"},
		{"object holding an object", &perl.Object{Class: "O", Value: &perl.Object{Class: "I", Value: map[string]any{}}},
			"11014f 04 110149 0300000000"},
		{"repeated class", []any{&perl.Object{Class: "My::A", Value: map[string]any{}}, &perl.Object{Class: "My::A", Value: map[string]any{}}},
			"02000000020411054d793a3a4103000000000412000300000000"},
		{"class name of 128 bytes", &perl.Object{Class: strings.Repeat("A", 128), Value: []any{}},
			"1180 00000080" + strings.Repeat("41", 128) + "0200000000"},
		{"go slice and map", map[string]any{"l": []string{"x"}, "m": map[string]int{"a": 1}},
			"03 00000002 04 0200000001 0a0178 00000001 6c 04 0300000001 0881 00000001 61 00000001 6d"},
		{"bytes are a byte string", []byte{'c', 0xe9}, "0a0263e9"},
		{"object of go map", &perl.Object{Class: "C", Value: map[string]string{"k": "v"}}, "110143 03 00000001 0a0176 00000001 6b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			want := "050b" + strings.ReplaceAll(tt.hex, " ", "")
			if got := hex.EncodeToString(b); got != want {
				t.Errorf("Marshal\n got %s\nwant %s", got, want)
			}
		})
	}
}

// TestMarshalClassTable checks that class indexes stay right past the
// point where the writer switches to a map, and past the one-byte index.
func TestMarshalClassTable(t *testing.T) {
	var objs []any
	for i := range 300 {
		objs = append(objs, &perl.Object{Class: "C" + strings.Repeat("x", i%150) + string(rune('a'+i/150)), Value: []any{int64(i)}})
	}
	objs = append(objs, objs...)
	b, err := Marshal(objs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if !perl.Equal(got, netForm(objs)) {
		t.Error("300 classes written twice do not read back")
	}
	if !strings.Contains(hex.EncodeToString(b), "1280000000c8") {
		t.Error("no four-byte class index (SX_IX_BLESS 0x80) for class 200")
	}
}

func TestMarshalErrors(t *testing.T) {
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	tests := []struct {
		name string
		in   any
		want error
	}{
		{"channel", make(chan int), perl.ErrUnsupported},
		{"func in a hash", map[string]any{"f": func() {}}, perl.ErrUnsupported},
		{"empty class", &perl.Object{Value: map[string]any{}}, perl.ErrUnsupported},
		{"cyclic map", cyclic, ErrTooDeep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Marshal(tt.in); !errors.Is(err, tt.want) {
				t.Errorf("Marshal = %v, want %v", err, tt.want)
			}
		})
	}
	// The pooled encoder must come back clean after an error.
	b, err := Marshal(map[string]any{"a": "b"})
	if err != nil || hex.EncodeToString(b) != "050b03000000010a016200000001"+"61" {
		t.Errorf("Marshal after errors = %x, %v", b, err)
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{3.14, "3.14"},
		{1e20, "1e+20"},
		{1e15, "1000000000000000"},
		{1.5e15, "1500000000000000"},
		{1 << 53, "9.00719925474099e+15"},
		{0.1 + 0.2, "0.3"},
		{1.0 / 3, "0.333333333333333"},
		{1e-5, "1e-05"},
		{0.0001, "0.0001"},
		{-2.5, "-2.5"},
		{math.Copysign(0, -1), "0"},
		{math.Inf(1), "Inf"},
		{math.Inf(-1), "-Inf"},
		{math.NaN(), "NaN"},
	}
	for _, tt := range tests {
		if got := FormatNumber(tt.in); got != tt.want {
			t.Errorf("FormatNumber(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
