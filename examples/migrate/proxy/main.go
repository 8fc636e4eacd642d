// Command proxy puts a Perl Dancer application and its Go replacement behind
// one origin: a route table says which paths go to Go, everything else goes
// to Perl. Both share sessions through the Dancer engine in one config.yml,
// so a user logged in on a Perl route is logged in on a Go route.
//
//	proxy -addr 127.0.0.1:5000 -perl http://127.0.0.1:5001 -go http://127.0.0.1:5002 -routes routes.txt
package main

import (
	"flag"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:5000", "address to listen on")
	perlURL := flag.String("perl", "http://127.0.0.1:5001", "the Perl Dancer application")
	goURL := flag.String("go", "http://127.0.0.1:5002", "the Go service")
	routes := flag.String("routes", "routes.txt", "route table: lines of \"/path go\" (or perl); the rest goes to Perl")
	flag.Parse()

	h, err := newProxy(*perlURL, *goURL, *routes)
	if err != nil {
		slog.Error("proxy", "error", err)
		os.Exit(1)
	}
	slog.Info("proxy: listening", "addr", "http://"+*addr, "perl", *perlURL, "go", *goURL, "routes", *routes)
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		slog.Error("proxy", "error", err)
		os.Exit(1)
	}
}

// newProxy returns the handler that routes each request by the table.
func newProxy(perlURL, goURL, routes string) (http.Handler, error) {
	perl, err := url.Parse(perlURL)
	if err != nil {
		return nil, err
	}
	goSvc, err := url.Parse(goURL)
	if err != nil {
		return nil, err
	}
	t := &table{path: routes}
	if _, err := t.current(); err != nil {
		return nil, err
	}
	backends := map[string]*httputil.ReverseProxy{
		"perl": reverseProxy(perl, "perl"),
		"go":   reverseProxy(goSvc, "go"),
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		to, err := t.target(r.URL.Path)
		if err != nil {
			slog.Error("proxy", "error", err)
			http.Error(w, "route table unreadable", http.StatusBadGateway)
			return
		}
		backends[to].ServeHTTP(w, r)
	}), nil
}

// reverseProxy forwards to target and says which side answered, so users
// (and tests) can see a route move.
func reverseProxy(target *url.URL, name string) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.SetXForwarded()
			pr.Out.Host = pr.In.Host // one origin: the apps see the public host
		},
		ModifyResponse: func(resp *http.Response) error {
			resp.Header.Set("X-Served-By", name)
			return nil
		},
	}
}
