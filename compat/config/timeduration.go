package config

import (
	"math"
	"regexp"
	"strings"
	"time"
)

// timeDurationUnits is Time::Duration::Parse 0.16's unit table: Dancer's,
// plus hrs, mo, mon and mons.
var timeDurationUnits = func() map[string]float64 {
	units := make(map[string]float64, len(durationUnits)+4)
	for k, v := range durationUnits {
		units[k] = v
	}
	units["hrs"] = 3600
	for _, k := range []string{"mo", "mon", "mons"} {
		units[k] = 30 * 86400
	}
	return units
}()

var (
	tdpLeadingPlus = regexp.MustCompile(`^\s*\+\s*`)
	tdpPlainNumber = regexp.MustCompile(`^\s*(-?\d+(?:[.,]\d+)?)\s*$`)
	tdpClockHMS    = regexp.MustCompile(`\b(\d+):(\d\d):(\d\d(?:\.\d+)?)\b`)
	tdpPair        = regexp.MustCompile(`^\s*(-?\d+(?:[.,]\d+)?)\s*([a-zA-Z]+)(?:\s*(?:,|(?i:and))\s*)*`)
)

// ParseTimeDuration reads a duration the way Time::Duration::Parse 0.16
// does, which is how Dancer::Session::Cookie reads session_expires (not
// with Dancer::Cookie's parser, which ParseDuration follows). The language
// is nearly the same; the differences are that only the first pair may have
// a "+" (later ones may have a "-"), that "hrs", "mo", "mon" and "mons" are
// units too, that "h:mm:ss" may have fractional seconds, that the empty
// string is zero, and that half seconds round to even. What it cannot parse
// is an error wrapping ErrDuration, as Perl dies at startup on it.
func ParseTimeDuration(s string) (time.Duration, error) {
	spec := tdpLeadingPlus.ReplaceAllString(s, "")
	if m := tdpPlainNumber.FindStringSubmatch(spec); m != nil {
		spec = m[1] + "s"
	}
	spec = tdpClockHMS.ReplaceAllString(spec, "${1}h ${2}m ${3}s")
	spec = clockHM.ReplaceAllString(spec, "${1}h ${2}m")

	seconds, _, err := sumPairs(s, spec, tdpPair, timeDurationUnits)
	if err != nil {
		return 0, err
	}
	return time.Duration(math.RoundToEven(seconds)) * time.Second, nil
}

// sessionExpires reads session_expires with the parser of the engine that
// uses it: Dancer::Session::Cookie parses it with Time::Duration::Parse
// (spec §4.6), Dancer::Session::Abstract with Dancer::Cookie's parser.
func (s *Settings) sessionExpires() (time.Duration, error) {
	parse := ParseDuration
	if strings.EqualFold(s.Engine, "cookie") {
		parse = ParseTimeDuration
	}
	return s.duration("session_expires", 0, parse)
}
