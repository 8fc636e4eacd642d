package storable

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/dancergo/dancergo/compat/perl"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestUnmarshal covers what the fixtures do not: opcodes Perl writes only
// in unusual cases, and how references and blessings map onto the model.
func TestUnmarshal(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		want any
	}{
		{"older minor version", "0507 0a0178", "x"},
		{"future minor version", "050f 0a0178", "x"},
		{"weak reference", "050b 1b 0a0178", &perl.Ref{Value: "x"}},
		{"Storable 3.32 booleans", "050b 02 00000002 22 23", []any{true, false}},
		{"svundef element", "050b 02 00000001 1f", []any{nil}},
		{"v-string keeps its value", "050b 1d 03 76312e 0a03010203", "\x01\x02\x03"},
		{"long v-string", "050b 1e 00000003 76312e 0a0178", "x"},
		{"flag hash placeholder is no key", "050b 19 01 00000002 0881 00 00000001 61 0e 10 00000001 62", map[string]any{"a": int64(1)}},
		{"flag hash wasutf8 key is latin-1", "050b 19 00 00000001 0881 02 00000001 e9", map[string]any{"é": int64(1)}},
		{"flag hash key as an item", "050b 19 00 00000001 0881 08 0a016b", map[string]any{"k": int64(1)}},
		{"invalid UTF-8 becomes U+FFFD", "050b 17 03 61ff62", "a\uFFFDb"},
		{"long latin-1 string", "050b 01 00000003 e9e9e9", "ééé"},
		{"ref to blessed is the object", "050b 04 1103 4d793a 0300000000", &perl.Object{Class: "My:", Value: map[string]any{}}},
		{"blessed scalar", "050b 1101 43 0a0178", &perl.Object{Class: "C", Value: "x"}},
		{"blessed ref to ref", "050b 1101 43 04 0a0178", &perl.Object{Class: "C", Value: &perl.Ref{Value: "x"}}},
		{"innermost blessing wins", "050b 1101 43 1101 44 0300000000", &perl.Object{Class: "D", Value: map[string]any{}}},
		{"long class index", "050b 02 00000002 1101 43 0300000000 12 80 00000000 0300000000",
			[]any{&perl.Object{Class: "C", Value: map[string]any{}}, &perl.Object{Class: "C", Value: map[string]any{}}}},
		{"blessing a back-reference leaves it", "050b 02 00000002 0881 1101 43 00 00000001", []any{int64(1), int64(1)}},
		{"back-reference to a scalar", "050b 02 00000002 04 0a0179 04 00 00000002", []any{&perl.Ref{Value: "y"}, &perl.Ref{Value: "y"}}},
		{"back-reference to an object", "050b 02 00000002 04 1101 43 0300000000 04 00 00000002",
			[]any{&perl.Object{Class: "C", Value: map[string]any{}}, &perl.Object{Class: "C", Value: map[string]any{}}}},
		{"overloaded ref", "050b 14 1101 43 0881", &perl.Object{Class: "C", Value: int64(1)}},
		{"native big-endian", "040b 04 34333231 04040408 02 00000002 06 fffffffe 07 400921fb54442d18", []any{int64(-2), 3.141592653589793}},
		{"native little-endian 32-bit IV", "040b 04 31323334 04040408 06 feffffff", int64(-2)},
		{"native big-endian 64-bit IV", "040b 08 3837363534333231 04080808 06 fffffffffffffffe", int64(-2)},
		{"native without NV size (minor 1)", "0401 08 3132333435363738 040808 0a0178", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Unmarshal(mustHex(t, tt.hex))
			if err != nil {
				t.Fatal(err)
			}
			if !perl.Equal(got, tt.want) {
				t.Errorf("got %s, want %s", show(got), show(tt.want))
			}
		})
	}
}

// TestUnmarshalSharedMap checks that a hash referenced twice is one Go map,
// as it is one Perl hash.
func TestUnmarshalSharedMap(t *testing.T) {
	v, err := Unmarshal(mustHex(t, "050b020000000204030000000108810000000178040000000002"))
	if err != nil {
		t.Fatal(err)
	}
	a := v.([]any)
	a[0].(map[string]any)["y"] = int64(2)
	if _, ok := a[1].(map[string]any)["y"]; !ok {
		t.Error("the two references do not share their hash")
	}
}

// billionLaughs builds a document of n arrays, each holding two
// back-references to the one before: tiny, but 2^n nodes as a tree.
func billionLaughs(n int) []byte {
	b := []byte{0x05, 0x0b, opArray, 0, 0, 0, byte(n)}
	b = append(b, opRef, opArray, 0, 0, 0, 1, opByte, 0x81) // tags 1 (ref), 2 (array), 3
	prev, next := uint32(2), uint32(4)
	for i := 1; i < n; i++ {
		b = append(b, opRef, opArray, 0, 0, 0, 2, opObject)
		b = binary.BigEndian.AppendUint32(b, prev)
		b = append(b, opObject)
		b = binary.BigEndian.AppendUint32(b, prev)
		prev, next = next+1, next+2
	}
	return b
}

// TestUnmarshalHostile feeds malformed and hostile documents: each must be
// an error of the right kind, and never a panic.
func TestUnmarshalHostile(t *testing.T) {
	deep := "050b" + strings.Repeat("04", MaxDepth+1) + "0a0178"
	deepArrays := "050b" + strings.Repeat("0200000001", MaxDepth+1) + "05"
	tests := []struct {
		name string
		doc  []byte
		want error
	}{
		{"empty", nil, ErrTruncated},
		{"header only", mustHex(t, "050b"), ErrTruncated},
		{"file magic in a frozen string", []byte("pst0\x05\x0b\x05"), ErrFormat},
		{"major version 3", mustHex(t, "070b05"), ErrFormat},
		{"major version 1", mustHex(t, "0300"), ErrFormat},
		{"unknown opcode", mustHex(t, "050b24"), ErrFormat},
		{"opcode 0xff", mustHex(t, "050bff"), ErrFormat},
		{"trailing bytes", mustHex(t, "050b0505"), ErrFormat},
		{"array count beyond the input", mustHex(t, "050b02ffffffff"), ErrTruncated},
		{"hash count beyond the input", mustHex(t, "050b03ffffffff0505"), ErrTruncated},
		{"flag hash count beyond the input", mustHex(t, "050b1900ffffffff"), ErrTruncated},
		{"string length beyond the input", mustHex(t, "050b01ffffffff61"), ErrTruncated},
		{"utf8 string length beyond the input", mustHex(t, "050b18fffffff061"), ErrTruncated},
		{"key length beyond the input", mustHex(t, "050b03000000010881ffffffff6b"), ErrTruncated},
		{"class length beyond the input", mustHex(t, "050b1180ffffffff"), ErrTruncated},
		{"v-string length beyond the input", mustHex(t, "050b1effffffff"), ErrTruncated},
		{"empty class name", mustHex(t, "050b11000300000000"), ErrFormat},
		{"class index without classes", mustHex(t, "050b12000300000000"), ErrFormat},
		{"long class index out of range", mustHex(t, "050b1280ffffffff0300000000"), ErrFormat},
		{"back-reference to nothing", mustHex(t, "050b0200000001000000000a"), ErrFormat},
		{"back-reference out of range", mustHex(t, "050b00ffffffff"), ErrFormat},
		{"hash containing itself", mustHex(t, "050b03000000010400000000000000000473656c66"), ErrCycle},
		{"ref containing itself", mustHex(t, "050b040000000000"), ErrCycle},
		{"overloaded unblessed ref", mustHex(t, "050b140a0178"), ErrFormat},
		{"native integer in network order", mustHex(t, "050b060000000000000001"), ErrFormat},
		{"native double in network order", mustHex(t, "050b070000000000000000"), ErrFormat},
		{"native unknown byte order", mustHex(t, "040b03313233040808080a0178"), ErrUnsupported},
		{"native 8-byte int", mustHex(t, "040b083132333435363738080808080a0178"), ErrUnsupported},
		{"native long double", mustHex(t, "040b0831323334353637380408081005"), ErrUnsupported},
		{"native truncated header", mustHex(t, "040b083132"), ErrTruncated},
		{"tied hash", mustHex(t, "050b0c0300000000"), ErrUnsupported},
		{"hook", mustHex(t, "050b1300"), ErrUnsupported},
		{"code", mustHex(t, "050b1a"), ErrUnsupported},
		{"regexp", mustHex(t, "050b20"), ErrUnsupported},
		{"large object", mustHex(t, "050b2101"), ErrUnsupported},
		{"too deep", mustHex(t, deep), ErrTooDeep},
		{"too deep arrays", mustHex(t, deepArrays), ErrTooDeep},
		{"shared references blow-up", billionLaughs(40), ErrTooComplex},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Unmarshal(tt.doc)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Unmarshal = %s, %v; want error %v", show(v), err, tt.want)
			}
			var de *DecodeError
			if !errors.As(err, &de) || de.Offset < 0 || de.Offset > len(tt.doc) {
				t.Errorf("error %v is not a *DecodeError with an offset inside the input", err)
			}
		})
	}
}

// TestUnmarshalSharedWithinLimits checks that a modest amount of sharing,
// which real data has, is accepted.
func TestUnmarshalSharedWithinLimits(t *testing.T) {
	v, err := Unmarshal(billionLaughs(10))
	if err != nil {
		t.Fatalf("1024-leaf shared tree: %v", err)
	}
	if len(v.([]any)) != 10 {
		t.Errorf("got %d elements", len(v.([]any)))
	}
}

// TestUnmarshalTruncatedFixtures cuts every fixture at every length: each
// strict prefix must be reported as truncated.
func TestUnmarshalTruncatedFixtures(t *testing.T) {
	for _, f := range loadFixtures(t) {
		decode := Unmarshal
		if f.file {
			decode = UnmarshalFile
		}
		for n := range len(f.data) {
			if _, err := decode(f.data[:n]); !errors.Is(err, ErrTruncated) {
				t.Errorf("%s cut to %d of %d bytes: %v, want ErrTruncated", f.name, n, len(f.data), err)
				break
			}
		}
	}
}

// TestUnmarshalLengthsDoNotAllocate checks that a length field claiming
// gigabytes makes no allocation of that size: the decoder checks it
// against the input first.
func TestUnmarshalLengthsDoNotAllocate(t *testing.T) {
	docs := [][]byte{
		mustHex(t, "050b02ffffffff0505"),
		mustHex(t, "050b03fffffff00505"),
		mustHex(t, "050b0200000001037ffffff00505"),
		mustHex(t, "050b01ffffffff"),
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range 100 {
		for _, d := range docs {
			if _, err := Unmarshal(d); err == nil {
				t.Fatalf("%x decoded", d)
			}
		}
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("400 hostile decodes allocated %d bytes", n)
	}
}

func TestUnmarshalFile(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"no magic", mustHex(t, "050b0505"), ErrFormat},
		{"magic cut short", []byte("pst"), ErrTruncated},
		{"magic only", []byte("pst0"), ErrTruncated},
		{"other magic", []byte("perl-store"), ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := UnmarshalFile(tt.data); !errors.Is(err, tt.want) {
				t.Errorf("UnmarshalFile(%q) = %v, want %v", tt.data, err, tt.want)
			}
		})
	}
	v, err := UnmarshalFile(append([]byte("pst0"), mustHex(t, "050b0a0178")...))
	if err != nil || v != "x" {
		t.Errorf("UnmarshalFile = %v, %v", v, err)
	}
}

func TestDecodeErrorMessage(t *testing.T) {
	_, err := Unmarshal(mustHex(t, "050b01ffffffff"))
	msg := err.Error()
	for _, want := range []string{"truncated", "offset 7", "string"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
	if !bytes.HasPrefix([]byte(msg), []byte("storable: ")) {
		t.Errorf("error %q lacks the package prefix", msg)
	}
}

func TestASCIIPrefix(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want int
	}{
		{"", 0}, {"abc", 3}, {"abcdefgh", 8}, {"abcdefghi", 9}, {"\xe9", 0},
		{"abcdefg\xe9", 7}, {"abcdefgh\xe9", 8}, {"abcdefghijk\xe9xyz", 11},
		{strings.Repeat("a", 100), 100}, {strings.Repeat("a", 99) + "é", 99},
	} {
		if got := asciiPrefix(tt.s); got != tt.want {
			t.Errorf("asciiPrefix(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}
