package config

import (
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dancergo/dancergo/internal/e2e"
)

// timeDurationCases are inputs to Time::Duration::Parse, including those
// where it differs from Dancer::Cookie's parser. ok is false where Perl
// croaks.
var timeDurationCases = []struct {
	in   string
	want time.Duration
	ok   bool
}{
	{"3600", time.Hour, true},
	{"2 hours", 2 * time.Hour, true},
	{"2 hrs", 2 * time.Hour, true},
	{"1 mon", 30 * 24 * time.Hour, true},
	{"2 mo", 60 * 24 * time.Hour, true},
	{"3 mons", 90 * 24 * time.Hour, true},
	{"+1d", 24 * time.Hour, true},
	{" + 1d", 24 * time.Hour, true},
	{"1.5 hours", 90 * time.Minute, true},
	{"1,5 hours", 90 * time.Minute, true},
	{"1:30", 90 * time.Minute, true},
	{"1:30:15", time.Hour + 30*time.Minute + 15*time.Second, true},
	{"1:30:15.6", time.Hour + 30*time.Minute + 16*time.Second, true},
	{"90m and 30s", 90*time.Minute + 30*time.Second, true},
	{"90m AND 30s", 90*time.Minute + 30*time.Second, true},
	{"1h, 30m", 90 * time.Minute, true},
	{"1M", 30 * 24 * time.Hour, true},
	{"1m", time.Minute, true},
	{"1 Month", 30 * 24 * time.Hour, true},
	{"1y", 365 * 24 * time.Hour, true},
	{"2.5", 2 * time.Second, true}, // %.0f rounds half to even
	{"3.5", 4 * time.Second, true},
	{"1d -1h", 23 * time.Hour, true},
	{"", 0, true},
	{"1d +1h", 0, false}, // only the first pair may have a "+"
	{"tomorrow", 0, false},
	{"2 fortnights", 0, false},
	{"1H", 0, false},
	{"1 hour extra", 0, false},
}

func TestParseTimeDuration(t *testing.T) {
	for _, tc := range timeDurationCases {
		got, err := ParseTimeDuration(tc.in)
		if !tc.ok {
			if !errors.Is(err, ErrDuration) {
				t.Errorf("ParseTimeDuration(%q) = %v, %v; want ErrDuration", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseTimeDuration(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

// TestParseTimeDurationAgreesWithPerl runs the same inputs through Perl's
// Time::Duration::Parse.
func TestParseTimeDurationAgreesWithPerl(t *testing.T) {
	e2e.NeedPerlModules(t, "Time::Duration::Parse")
	for _, tc := range timeDurationCases {
		out, err := exec.Command("perl", "-MTime::Duration::Parse", "-e",
			`my $d = eval { parse_duration($ARGV[0]) }; print defined $d ? $d : "error"`, tc.in).Output()
		if err != nil {
			t.Fatal(err)
		}
		perl := strings.TrimSpace(string(out))
		if !tc.ok {
			if perl != "error" {
				t.Errorf("%q: Perl parses it as %s; the table says it is an error", tc.in, perl)
			}
			continue
		}
		if perl != strconv.FormatInt(int64(tc.want/time.Second), 10) {
			t.Errorf("%q: Perl says %s seconds; the table says %v", tc.in, perl, tc.want)
		}
	}
}

func TestSessionExpiresParserFollowsTheEngine(t *testing.T) {
	for _, tc := range []struct {
		engine string
		ok     bool
	}{{"cookie", true}, {"Cookie", true}, {"YAML", false}} {
		s, err := FromMap(map[string]any{"session": tc.engine, "session_expires": "2 hrs"}, ".")
		if !tc.ok {
			if !errors.Is(err, ErrDuration) {
				t.Errorf("%s: got %v, want ErrDuration (Dancer::Cookie has no unit hrs)", tc.engine, err)
			}
			continue
		}
		if err != nil || s.Expires != 2*time.Hour {
			t.Errorf("%s: got %v, %v; want 2h", tc.engine, s, err)
		}
	}
}
