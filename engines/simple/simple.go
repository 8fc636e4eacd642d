// Package simple is Dancer's Simple engine: sessions in the memory of one
// process, lost when it stops. It is scs's memstore with perl.BinaryCodec,
// a compact codec several times faster than scs's gob. To share a memstore
// with a plain scs SessionManager in the same process, build an
// adapter.StoreEngine with scs.GobCodec instead.
package simple

import (
	"github.com/alexedwards/scs/v2/memstore"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/compat/sessionid"
)

// New returns a Simple engine with its own memstore. Expired sessions are
// swept from memory once a minute.
func New() *adapter.StoreEngine {
	return &adapter.StoreEngine{
		Store: memstore.New(),
		Codec: perl.BinaryCodec{},
		IDs:   sessionid.Token{},
	}
}

// Open returns a Simple engine; Simple reads no settings of its own.
func Open(*config.Settings) (adapter.Engine, error) {
	return New(), nil
}
