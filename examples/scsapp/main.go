// Command scsapp is a plain scs service — net/http, scs, redisstore and
// redigo, nothing of dancergo in its handlers — that shares its login with
// examples/login through Redis. Run both on one host (cookies are per host,
// not per port) and a login in either is a login in both:
//
//	go run ./examples/login -config examples/scsapp/config.yml   # :8080, session: Redis
//	go run ./examples/scsapp                                     # :8081
//
// Routes:
//
//	GET  /whoami   "You are NAME", or 401 when nobody is logged in
//	POST /login    user=NAME: log in (new session id, as examples/login does)
//	POST /cart     item=THING: puts the key "cart" in the session
//	GET  /cart     the cart, or 404
//	GET  /logout   destroys the session, for both services
//
// Sharing needs the same Redis, key prefix (redisstore's default
// "scs:session:"), codec (scs's default, gob) and cookie name
// ("dancer.session", the name examples/login uses).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/alexedwards/scs/redisstore"
	"github.com/alexedwards/scs/v2"
	"github.com/gomodule/redigo/redis"

	// The value model registers the Perl types (hashes, lists, blessed
	// objects) with gob, so that sessions holding them decode here too.
	// Sessions of plain strings and numbers would not need it.
	_ "github.com/dancergo/dancergo/compat/perl"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "address to listen on")
	redisAddr := flag.String("redis", "127.0.0.1:6379", "Redis host:port")
	cookie := flag.String("cookie", "dancer.session", "session cookie name, shared with the other services")
	flag.Parse()

	pool := &redis.Pool{
		MaxIdle:     10,
		MaxActive:   50,
		Wait:        true,
		IdleTimeout: 5 * time.Minute,
		Dial: func() (redis.Conn, error) {
			return redis.Dial("tcp", *redisAddr,
				redis.DialConnectTimeout(time.Second),
				redis.DialReadTimeout(time.Second),
				redis.DialWriteTimeout(time.Second))
		},
		// A connection idle for a while may have outlived a Redis restart.
		TestOnBorrow: func(c redis.Conn, lastUsed time.Time) error {
			if time.Since(lastUsed) < time.Second {
				return nil
			}
			_, err := c.Do("PING")
			return err
		},
	}
	defer pool.Close()

	sessions := scs.New()
	sessions.Store = redisstore.New(pool)
	sessions.Cookie.Name = *cookie
	sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		log.Printf("scsapp: session store: %s %s: %v", r.Method, r.URL.Path, err)
		w.Header().Set("Retry-After", "1")
		http.Error(w, "session store unavailable", http.StatusServiceUnavailable)
	}

	srv := &http.Server{
		Addr:              *addr,
		Handler:           sessions.LoadAndSave(routes(sessions)),
		ReadHeaderTimeout: 10 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Printf("scsapp: listening on http://%s (Redis %s, cookie %s)", *addr, *redisAddr, *cookie)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

func routes(sessions *scs.SessionManager) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) {
		user := sessions.GetString(r.Context(), "user")
		if user == "" {
			http.Error(w, "not logged in", http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, "You are %s\n", user)
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		user := r.PostFormValue("user")
		if user == "" {
			http.Error(w, "user is required", http.StatusBadRequest)
			return
		}
		// A new id after login: an id planted before it is worth nothing.
		if err := sessions.RenewToken(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		sessions.Put(r.Context(), "user", user)
		fmt.Fprintf(w, "You are %s\n", user)
	})
	mux.HandleFunc("POST /cart", func(w http.ResponseWriter, r *http.Request) {
		item := r.PostFormValue("item")
		sessions.Put(r.Context(), "cart", item)
		fmt.Fprintf(w, "cart: %s\n", item)
	})
	mux.HandleFunc("GET /cart", func(w http.ResponseWriter, r *http.Request) {
		item := sessions.GetString(r.Context(), "cart")
		if item == "" {
			http.Error(w, "empty cart", http.StatusNotFound)
			return
		}
		fmt.Fprintf(w, "cart: %s\n", item)
	})
	mux.HandleFunc("GET /logout", func(w http.ResponseWriter, r *http.Request) {
		if err := sessions.Destroy(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(w, "logged out")
	})
	return mux
}
