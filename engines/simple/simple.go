// Package simple is Dancer's Simple engine: sessions in the memory of one
// process, lost when it stops. It is scs's memstore under an scs codec.
package simple

import (
	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/sessionid"
)

// New returns a Simple engine with its own memstore. Expired sessions are
// swept from memory once a minute.
func New() *adapter.StoreEngine {
	return &adapter.StoreEngine{
		Store: memstore.New(),
		Codec: scs.GobCodec{},
		IDs:   sessionid.Token{},
	}
}

// Open returns a Simple engine; Simple reads no settings of its own.
func Open(*config.Settings) (adapter.Engine, error) {
	return New(), nil
}
