package adapter_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/compat/perl"
	"github.com/dancergo/dancergo/engines/simple"
)

// serve runs one request through h, carrying cookie, and returns the
// response's session cookie (or the one it was given) and body.
func serve(h http.Handler, path, cookie string) (string, string) {
	req := httptest.NewRequest("GET", path, nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	for _, c := range w.Result().Cookies() {
		cookie = c.Name + "=" + c.Value
	}
	return cookie, strings.TrimSpace(w.Body.String())
}

func ExampleManager_Middleware() {
	sessions := adapter.New(simple.New(), nil) // nil: Dancer's defaults

	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		s := adapter.From(r)
		if err := s.Set("user", "alice"); err != nil { // session user => 'alice'
			return // the middleware answers 503 when the store fails
		}
		_ = s.RenewID() // a new id after login
	})
	mux.HandleFunc("/home", func(w http.ResponseWriter, r *http.Request) {
		user, _ := adapter.From(r).Get("user") // session 'user'
		fmt.Fprintf(w, "Hello, %v", user)
	})
	handler := sessions.Middleware(mux)

	cookie, _ := serve(handler, "/login", "")
	_, body := serve(handler, "/home", cookie)
	fmt.Println(strings.HasPrefix(cookie, "dancer.session="))
	fmt.Println(body)
	// Output:
	// true
	// Hello, alice
}

func ExampleSession_Set() {
	sessions := adapter.New(simple.New(), nil)
	handler := sessions.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := adapter.From(r)
		_ = s.Set("roles", []string{"admin", "dev"}) // stored as a Perl array
		_ = s.Set("user", perl.Object{Class: "My::User", Value: map[string]any{"uid": 1001}})
		fmt.Fprintln(w, s.Set("id", "mine")) // the id is Dancer's, not the handler's

		roles, _ := s.Get("roles")
		user, _ := s.Get("user")
		fmt.Fprintln(w, roles, user.(*perl.Object).Class)
	}))
	_, body := serve(handler, "/", "")
	fmt.Println(body)
	// Output:
	// dancergo: the session key "id" is reserved for the session id
	// [admin dev] My::User
}

func ExampleSession_Destroy() {
	sessions := adapter.New(simple.New(), nil)
	handler := sessions.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := adapter.From(r)
		switch r.URL.Path {
		case "/login":
			_ = s.Set("user", "alice")
		case "/logout":
			_ = s.Destroy() // deletes the stored session, expires the cookie
			all, _ := s.All()
			fmt.Fprintln(w, "after destroy:", all)
		}
	}))
	cookie, _ := serve(handler, "/login", "")
	_, body := serve(handler, "/logout", cookie)
	fmt.Println(body)
	// Output:
	// after destroy: map[]
}

func ExampleNew() {
	// The cookie and lifetime come from a Dancer config.yml (config.Load);
	// here from a map for the example.
	settings, err := config.FromMap(map[string]any{
		"session_name":      "my_app",
		"session_same_site": "Strict",
		"session_expires":   "2 hours",
	}, ".")
	if err != nil {
		fmt.Println(err)
		return
	}
	sessions := adapter.New(simple.New(), settings)
	fmt.Println(sessions.Cookie.Name, sessions.Cookie.SameSite == http.SameSiteStrictMode, sessions.Cookie.Expires, sessions.Lifetime)
	// Output:
	// my_app true 2h0m0s 2h0m0s
}
