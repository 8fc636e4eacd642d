package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// table is the route table: which path prefixes go to the Go service. Every
// other path goes to the Perl application. It is re-read when its file
// changes, so moving a route to Go is an edit, not a restart.
type table struct {
	path string

	mu      sync.Mutex
	modTime time.Time
	size    int64
	goPaths []string
}

// target reports whether path goes to Go ("go") or Perl ("perl"): the
// longest matching prefix in the table decides.
func (t *table) target(path string) (string, error) {
	prefixes, err := t.current()
	if err != nil {
		return "", err
	}
	best, to := -1, "perl"
	for _, p := range prefixes {
		name, dest, _ := strings.Cut(p, "\x00")
		if matches(path, name) && len(name) > best {
			best, to = len(name), dest
		}
	}
	return to, nil
}

// matches reports whether path is prefix or lies below it.
func matches(path, prefix string) bool {
	if !strings.HasPrefix(path, prefix) {
		return false
	}
	return len(path) == len(prefix) || strings.HasSuffix(prefix, "/") || path[len(prefix)] == '/'
}

func (t *table) current() ([]string, error) {
	fi, err := os.Stat(t.path)
	if err != nil {
		return nil, fmt.Errorf("route table: %w", err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if fi.ModTime().Equal(t.modTime) && fi.Size() == t.size && t.goPaths != nil {
		return t.goPaths, nil
	}
	routes, err := readTable(t.path)
	if err != nil {
		return nil, err
	}
	t.goPaths, t.modTime, t.size = routes, fi.ModTime(), fi.Size()
	return routes, nil
}

// readTable parses lines of "PATH-PREFIX go|perl"; # starts a comment.
func readTable(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("route table: %w", err)
	}
	defer f.Close()
	routes := []string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 2 || !strings.HasPrefix(fields[0], "/") || (fields[1] != "go" && fields[1] != "perl") {
			return nil, fmt.Errorf("route table %s:%d: want \"/path go\" or \"/path perl\", got %q", path, n, sc.Text())
		}
		routes = append(routes, fields[0]+"\x00"+fields[1])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("route table: %w", err)
	}
	return routes, nil
}
