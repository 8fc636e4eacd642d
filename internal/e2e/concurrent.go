package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// ConcurrentSet sends n overlapping POST /session requests to an
// examples/login-style app, all with the session cookie the client holds,
// each setting its own key k0..k(n-1), then reads GET /session and returns
// the keys that are missing. The client must already hold a session.
func ConcurrentSet(t testing.TB, c *http.Client, baseURL string, n int) (missing []string) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			form := url.Values{fmt.Sprintf("k%d", i): {fmt.Sprintf("v%d", i)}}
			resp, err := c.Post(baseURL+"/session", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
			if err != nil {
				errs <- err
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				errs <- fmt.Errorf("POST /session k%d: status %d", i, resp.StatusCode)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	all := GetJSON(t, c, baseURL+"/session")
	for i := range n {
		k := fmt.Sprintf("k%d", i)
		if all[k] != fmt.Sprintf("v%d", i) {
			missing = append(missing, k)
		}
	}
	return missing
}
