package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// InCI reports whether the tests run in CI, where a missing dependency is a
// failure rather than a reason to skip.
func InCI() bool { return os.Getenv("CI") == "true" }

// Need fails (in CI) or skips the test when err is not nil; what says what
// the test needed.
func Need(t testing.TB, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if InCI() {
		t.Fatalf("needs %s: %v (CI=true, so this is a failure; see .ci/run)", what, err)
	}
	t.Skipf("skipped: needs %s: %v (run .ci/run, or install it, to include this test)", what, err)
}

// NeedCommand returns the path of a program, or fails/skips without it.
func NeedCommand(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	Need(t, "the program "+name, err)
	return path
}

// NeedPerlModules fails/skips unless perl can load every module.
func NeedPerlModules(t testing.TB, modules ...string) {
	t.Helper()
	perl := NeedCommand(t, "perl")
	args := []string{}
	for _, m := range modules {
		args = append(args, "-M"+m)
	}
	args = append(args, "-e", "1")
	out, err := exec.Command(perl, args...).CombinedOutput()
	if err != nil {
		err = fmt.Errorf("%w: %s", err, strings.TrimSpace(string(out)))
	}
	Need(t, "the Perl modules "+strings.Join(modules, ", "), err)
}
