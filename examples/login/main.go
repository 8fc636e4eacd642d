// Command login is dancergo's reference application: a login, a home page and
// a logout on Dancer-style sessions, plus routes that show and set the raw
// session, so that tests (and people) can watch sessions move between Go and
// Perl.
//
//	go run ./examples/login                          # Simple engine, 127.0.0.1:8080
//	go run ./examples/login -config app/config.yml   # the engine and cookie of a Dancer app
//
// Routes:
//
//	GET  /login          a form
//	POST /login          user=NAME: session user => NAME, new id, redirect to /home
//	GET  /home           "Hello, NAME", or a redirect to /login
//	GET  /logout         destroy the session, redirect to /login
//	GET  /session        the whole session as JSON
//	POST /session        set each form field as a string key
//	GET  /session/{key}  one value as JSON; 404 when absent
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/dancergo/dancergo/adapter"
	"github.com/dancergo/dancergo/compat/config"
	"github.com/dancergo/dancergo/engines"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	configPath := flag.String("config", "", "a Dancer config.yml (default: the Simple engine)")
	env := flag.String("env", "", "environment overlay, environments/<env>.yml (default: $DANCER_ENVIRONMENT, $PLACK_ENV or development)")
	flag.Parse()

	if err := run(*addr, *configPath, *env); err != nil {
		fmt.Fprintln(os.Stderr, "login:", err)
		os.Exit(1)
	}
}

func run(addr, configPath, env string) error {
	settings := config.Default()
	if configPath != "" {
		var err error
		if settings, err = config.Load(configPath, env); err != nil {
			return err
		}
	}
	engine, err := engines.Open(settings)
	if err != nil {
		return err
	}
	sessions := adapter.New(engine, settings)

	srv := &http.Server{
		Addr:              addr,
		Handler:           sessions.Middleware(routes()),
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
	slog.Info("login: listening", "addr", "http://"+addr, "engine", settings.Engine, "cookie", settings.Name)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
