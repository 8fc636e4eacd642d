package main

import (
	"errors"
	"html/template"
	"net/http"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/perl"
)

// routes returns the application's handlers; they expect the session
// middleware around them.
func routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", loginForm)
	mux.HandleFunc("POST /login", login)
	mux.HandleFunc("GET /home", home)
	mux.HandleFunc("GET /logout", logout)
	mux.HandleFunc("GET /session", showSession)
	mux.HandleFunc("POST /session", setSession)
	mux.HandleFunc("GET /session/{key}", showKey)
	return mux
}

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<title>Log in</title>
<form method="post" action="/login">
<label>User <input name="user" autofocus></label>
<button>Log in</button>
</form>
`))

func loginForm(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = loginPage.Execute(w, nil)
}

func login(w http.ResponseWriter, r *http.Request) {
	user := r.PostFormValue("user")
	if user == "" {
		http.Error(w, "user is required", http.StatusBadRequest)
		return
	}
	s := adapter.From(r)
	if err := s.Set("user", user); err != nil {
		return // the middleware answers a store failure
	}
	// A new id after login: an id planted before it is worth nothing now.
	if err := s.RenewID(); err != nil {
		return
	}
	http.Redirect(w, r, "/home", http.StatusSeeOther)
}

func home(w http.ResponseWriter, r *http.Request) {
	user, err := adapter.From(r).Get("user")
	if err != nil {
		return
	}
	name, ok := user.(string)
	if !ok || name == "" {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("Hello, " + name + "\n"))
}

func logout(w http.ResponseWriter, r *http.Request) {
	if err := adapter.From(r).Destroy(); err != nil {
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func showSession(w http.ResponseWriter, r *http.Request) {
	all, err := adapter.From(r).All()
	if err != nil {
		return
	}
	writeJSON(w, http.StatusOK, all)
}

func setSession(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s := adapter.From(r)
	for key, values := range r.PostForm {
		err := s.Set(key, values[len(values)-1])
		switch {
		case errors.Is(err, adapter.ErrReservedKey), errors.Is(err, adapter.ErrEmptyKey):
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		case err != nil:
			return
		}
	}
	all, err := s.All()
	if err != nil {
		return
	}
	writeJSON(w, http.StatusOK, all)
}

func showKey(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	all, err := adapter.From(r).All()
	if err != nil {
		return
	}
	v, ok := all[key]
	if !ok {
		http.Error(w, "no such session key", http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	body, err := perl.MarshalJSON(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(append(body, '\n'))
}
