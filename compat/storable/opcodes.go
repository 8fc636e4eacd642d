package storable

// Storable's opcodes (Storable.xs, SX_*). Each item of a document starts
// with one of them.
const (
	opObject        = 0x00 // back-reference: u32 tag, always big-endian
	opLScalar       = 0x01 // byte string, u32 length
	opArray         = 0x02 // u32 count, then items
	opHash          = 0x03 // u32 count, then (value, u32 key length, key)
	opRef           = 0x04 // reference; the referent follows
	opUndef         = 0x05 // an undef variable
	opInteger       = 0x06 // native IV (native order only)
	opDouble        = 0x07 // native NV (native order only)
	opByte          = 0x08 // u8, value + 128
	opNetint        = 0x09 // i32, big-endian
	opScalar        = 0x0a // byte string, u8 length
	opTiedArray     = 0x0b
	opTiedHash      = 0x0c
	opTiedScalar    = 0x0d
	opSvUndef       = 0x0e // &PL_sv_undef
	opSvYes         = 0x0f // &PL_sv_yes
	opSvNo          = 0x10 // &PL_sv_no
	opBless         = 0x11 // class name (u8 length, or 0x80 + u32), then the item
	opIxBless       = 0x12 // index of a class named before, then the item
	opHook          = 0x13
	opOverload      = 0x14 // reference to an object of an overloaded class
	opTiedKey       = 0x15
	opTiedIdx       = 0x16
	opUTF8Str       = 0x17 // UTF-8 string, u8 length
	opLUTF8Str      = 0x18 // UTF-8 string, u32 length
	opFlagHash      = 0x19 // u8 hash flags, u32 count, then (value, u8 key flags, key)
	opCode          = 0x1a
	opWeakRef       = 0x1b // weak reference
	opWeakOverload  = 0x1c // weak reference to an overloaded object
	opVString       = 0x1d // u8 length + v-string magic, then the scalar
	opLVString      = 0x1e // u32 length + v-string magic, then the scalar
	opSvUndefElem   = 0x1f // array element set to &PL_sv_undef
	opRegexp        = 0x20
	opLObject       = 0x21 // an item over 2 GiB
	opBooleanTrue   = 0x22 // Storable 3.32+
	opBooleanFalse  = 0x23 // Storable 3.32+
	lastKnownOpcode = opBooleanFalse
)

// Key flags in an SX_FLAG_HASH (Storable.xs, SHV_K_*).
const (
	keyUTF8        = 0x01 // the key is UTF-8
	keyWasUTF8     = 0x02 // the key was UTF-8 and is stored downgraded
	keyIsSV        = 0x08 // the key is a whole item, not bytes
	keyPlaceholder = 0x10 // a deleted key of a restricted hash
)

// magic is what Storable puts before the header in files (store, nstore,
// lock_nstore), but not in frozen strings.
const magic = "pst0"

// Header of a network-order document: major version 2 shifted left with the
// network-order bit set, and the minor version Storable 3.x writes.
const (
	netMajorByte = 2<<1 | 1
	writeMinor   = 11
)

var opNames = [...]string{
	opObject: "SX_OBJECT", opLScalar: "SX_LSCALAR", opArray: "SX_ARRAY", opHash: "SX_HASH",
	opRef: "SX_REF", opUndef: "SX_UNDEF", opInteger: "SX_INTEGER", opDouble: "SX_DOUBLE",
	opByte: "SX_BYTE", opNetint: "SX_NETINT", opScalar: "SX_SCALAR", opTiedArray: "SX_TIED_ARRAY",
	opTiedHash: "SX_TIED_HASH", opTiedScalar: "SX_TIED_SCALAR", opSvUndef: "SX_SV_UNDEF",
	opSvYes: "SX_SV_YES", opSvNo: "SX_SV_NO", opBless: "SX_BLESS", opIxBless: "SX_IX_BLESS",
	opHook: "SX_HOOK", opOverload: "SX_OVERLOAD", opTiedKey: "SX_TIED_KEY", opTiedIdx: "SX_TIED_IDX",
	opUTF8Str: "SX_UTF8STR", opLUTF8Str: "SX_LUTF8STR", opFlagHash: "SX_FLAG_HASH", opCode: "SX_CODE",
	opWeakRef: "SX_WEAKREF", opWeakOverload: "SX_WEAKOVERLOAD", opVString: "SX_VSTRING",
	opLVString: "SX_LVSTRING", opSvUndefElem: "SX_SVUNDEF_ELEM", opRegexp: "SX_REGEXP",
	opLObject: "SX_LOBJECT", opBooleanTrue: "SX_BOOLEAN_TRUE", opBooleanFalse: "SX_BOOLEAN_FALSE",
}

func opName(op byte) string {
	if int(op) < len(opNames) {
		return opNames[op]
	}
	return "unknown opcode"
}
