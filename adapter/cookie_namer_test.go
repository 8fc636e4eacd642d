package adapter_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/sessionid"
)

// namedEngine is a real StoreEngine that names its own cookie.
type namedEngine struct {
	*adapter.StoreEngine
	name string
}

func (e namedEngine) CookieName() string { return e.name }

func TestCookieNamerNamesTheCookie(t *testing.T) {
	settings, err := config.FromMap(map[string]any{"session_name": "from_config"}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		engineName, want string
	}{
		{"plack_session", "plack_session"},
		{"", "from_config"}, // an empty name leaves session_name in charge
	} {
		t.Run(tc.want, func(t *testing.T) {
			engine := namedEngine{
				StoreEngine: &adapter.StoreEngine{Store: memstore.NewWithCleanupInterval(0), Codec: scs.GobCodec{}, IDs: sessionid.Token{}},
				name:        tc.engineName,
			}
			mgr := adapter.New(engine, settings)
			if mgr.Cookie.Name != tc.want {
				t.Fatalf("Cookie.Name = %q, want %q", mgr.Cookie.Name, tc.want)
			}
			srv := httptest.NewServer(mgr.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if err := adapter.From(r).Set("k", "v"); err != nil {
					t.Error(err)
				}
			})))
			defer srv.Close()
			resp, err := http.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if sc := resp.Header.Get("Set-Cookie"); !strings.HasPrefix(sc, tc.want+"=") {
				t.Fatalf("Set-Cookie %q, want the cookie %s", sc, tc.want)
			}
		})
	}
}
