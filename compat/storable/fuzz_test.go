package storable

import (
	"errors"
	"testing"
)

// FuzzUnmarshal feeds arbitrary bytes to Unmarshal. A document it rejects
// must be rejected with a *DecodeError wrapping one of the package's
// sentinels; one it accepts must write back with Marshal and read again as
// the same value (in network order's terms).
func FuzzUnmarshal(f *testing.F) {
	for _, fx := range loadFixtures(f) {
		doc := fx.data
		if fx.file {
			doc = doc[len(magic):]
		}
		f.Add(doc)
	}
	for _, seed := range []string{
		"050b020000000204030000000108810000000178040000000002",
		"050b19010000000208810000000001610e140000000162",
		"050b02000000021d0976312e32322e33333317040116c58d0a056166746572",
		"050b0200000002040300000001088100000001781b0000000002",
		"050b03000000021411114a534f4e3a3a50503a3a426f6f6c65616e0881000000017414120008800000000166",
		"050b03000000010400000000000000000473656c66",
		"040b08313233343536373804080808020300000008aa071f85eb51b81e0940067011010000000000",
	} {
		f.Add(mustHex(f, seed))
	}
	f.Add(billionLaughs(12))
	sentinels := []error{ErrTruncated, ErrFormat, ErrUnsupported, ErrTooDeep, ErrCycle, ErrTooComplex}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Unmarshal(data)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a *DecodeError", err)
			}
			known := false
			for _, s := range sentinels {
				known = known || errors.Is(err, s)
			}
			if !known {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		b, err := Marshal(v)
		if err != nil {
			t.Fatalf("Marshal of a decoded value: %v", err)
		}
		again, err := Unmarshal(b)
		if err != nil {
			t.Fatalf("Unmarshal(Marshal(v)): %v", err)
		}
		if want := netForm(v); !sameValue(again, want) {
			t.Fatalf("round trip changed the value:\n %s\n %s", show(again), show(want))
		}
		if _, err := UnmarshalFile(append([]byte(magic), data...)); err != nil {
			t.Fatalf("UnmarshalFile of the same document: %v", err)
		}
	})
}
