package sereal

// Tags of the Sereal format (Sereal's srl_protocol.h). Bit 0x80 of a tag
// marks the item as tracked: a later REFP, ALIAS or WEAKEN may point at it.
const (
	tagPosLow          = 0x00 // 0x00-0x0f: small positive integers 0..15
	tagNegLow          = 0x10 // 0x10-0x1f: small negative integers -16..-1
	tagVarint          = 0x20
	tagZigzag          = 0x21
	tagFloat           = 0x22
	tagDouble          = 0x23
	tagLongDouble      = 0x24
	tagUndef           = 0x25
	tagBinary          = 0x26
	tagStrUTF8         = 0x27
	tagRefN            = 0x28
	tagRefP            = 0x29
	tagHash            = 0x2a
	tagArray           = 0x2b
	tagObject          = 0x2c
	tagObjectV         = 0x2d
	tagAlias           = 0x2e
	tagCopy            = 0x2f
	tagWeaken          = 0x30
	tagRegexp          = 0x31
	tagObjectFreeze    = 0x32
	tagObjectVFreeze   = 0x33
	tagNo              = 0x34
	tagYes             = 0x35
	tagFloat128        = 0x38
	tagCanonicalUndef  = 0x39
	tagFalse           = 0x3a
	tagTrue            = 0x3b
	tagPad             = 0x3f
	tagArrayRefLow     = 0x40 // 0x40-0x4f: reference to an array of 0..15 items
	tagHashRefLow      = 0x50 // 0x50-0x5f: reference to a hash of 0..15 pairs
	tagShortBinaryLow  = 0x60 // 0x60-0x7f: byte string of 0..31 bytes
	tagTrackFlag       = 0x80
	shortBinaryMaxLen  = 31
	shortContainerMax  = 15
	magicLen           = 4
	versionMask        = 0x0f
	encodingShift      = 4
	encodingRaw        = 0
	encodingSnappy     = 1 // whole rest of the document is one Snappy block
	encodingSnappyIncr = 2 // varint length, then a Snappy block
	encodingZlib       = 3 // varint raw length, varint compressed length, zlib stream
	encodingZstd       = 4
	protocolVersion    = 5 // what Marshal writes, as Sereal::Encoder 5.003 does
)

// Magic strings: protocols 1 and 2 start with "=srl"; 3 and later with
// "=\xF3rl", whose high bit lets a reader notice a document that was
// UTF-8-encoded by mistake (it then starts "=\xC3\xB3rl").
var (
	magicV1   = [magicLen]byte{'=', 's', 'r', 'l'}
	magicV3   = [magicLen]byte{'=', 0xf3, 'r', 'l'}
	magicUTF8 = []byte{'=', 0xc3, 0xb3, 'r', 'l'}
)
