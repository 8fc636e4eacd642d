package config

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrDuration is wrapped by ParseDuration's errors.
var ErrDuration = errors.New("not a duration")

// durationUnits is the unit table of Dancer::Cookie (and Time::Duration::Parse).
var durationUnits = map[string]float64{
	"s": 1, "second": 1, "seconds": 1, "sec": 1, "secs": 1,
	"m": 60, "minute": 60, "minutes": 60, "min": 60, "mins": 60,
	"h": 3600, "hr": 3600, "hour": 3600, "hours": 3600,
	"d": 86400, "day": 86400, "days": 86400,
	"w": 7 * 86400, "week": 7 * 86400, "weeks": 7 * 86400,
	"M": 30 * 86400, "month": 30 * 86400, "months": 30 * 86400,
	"y": 365 * 86400, "year": 365 * 86400, "years": 365 * 86400,
}

var (
	plainNumber  = regexp.MustCompile(`^\s*([-+]?\d+(?:[.,]\d+)?)\s*$`)
	clockHMS     = regexp.MustCompile(`\b(\d+):(\d\d):(\d\d)\b`)
	clockHM      = regexp.MustCompile(`\b(\d+):(\d\d)\b`)
	durationPair = regexp.MustCompile(`^\s*([-+]?\d+(?:[.,]\d+)?)\s*([a-zA-Z]+)(?:\s*(?:,|and)\s*)*`)
)

// ParseDuration reads a duration the way Dancer reads session_expires: an
// integer is seconds ("3600"); anything else is Dancer::Cookie's duration
// language: number-unit pairs joined by spaces, "," or "and" ("2 hours",
// "+1d", "1.5 hours", "90m and 30s"), or a clock "h:mm" / "h:mm:ss" ("1:30").
// Units are s, m, h, d, w, M (30 days) and y (365 days) and their English
// names; one-letter units are case-sensitive (M is a month, m a minute),
// longer names are not. Where Dancer copies a string it cannot parse into
// the cookie verbatim, ParseDuration returns an error wrapping ErrDuration.
func ParseDuration(s string) (time.Duration, error) {
	spec := s
	if m := plainNumber.FindStringSubmatch(spec); m != nil {
		spec = m[1] + "s"
	}
	spec = clockHMS.ReplaceAllString(spec, "${1}h ${2}m ${3}s")
	spec = clockHM.ReplaceAllString(spec, "${1}h ${2}m")

	seconds, matched, err := sumPairs(s, spec, durationPair, durationUnits)
	if err != nil {
		return 0, err
	}
	if !matched {
		return 0, fmt.Errorf("%w: %q", ErrDuration, s)
	}
	return time.Duration(math.Round(seconds)) * time.Second, nil
}

// sumPairs adds up the number-unit pairs spec is made of, the loop both of
// Perl's duration parsers run: pair matches one pair at the start of what
// is left (amount, unit, and what joins it to the next), units gives a
// unit's seconds. One-letter units are case-sensitive, longer ones not.
// matched reports whether there was a pair; anything else left over, an
// unknown unit or a sum beyond time.Duration is an error wrapping
// ErrDuration that quotes s, the caller's input.
func sumPairs(s, spec string, pair *regexp.Regexp, units map[string]float64) (seconds float64, matched bool, err error) {
	for {
		m := pair.FindStringSubmatchIndex(spec)
		if m == nil {
			break
		}
		amount, unit := spec[m[2]:m[3]], spec[m[4]:m[5]]
		if len(unit) > 1 {
			unit = strings.ToLower(unit)
		}
		factor, ok := units[unit]
		if !ok {
			return 0, false, fmt.Errorf("%w: %q (unknown unit %q)", ErrDuration, s, unit)
		}
		n, err := strconv.ParseFloat(strings.Replace(amount, ",", ".", 1), 64)
		if err != nil {
			return 0, false, fmt.Errorf("%w: %q", ErrDuration, s)
		}
		seconds += n * factor
		matched = true
		spec = spec[m[1]:]
	}
	if strings.TrimSpace(spec) != "" {
		return 0, false, fmt.Errorf("%w: %q", ErrDuration, s)
	}
	if math.Abs(seconds) > float64(math.MaxInt64/int64(time.Second)) {
		return 0, false, fmt.Errorf("%w: %q is out of range", ErrDuration, s)
	}
	return seconds, matched, nil
}
