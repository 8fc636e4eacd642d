package config

import (
	"errors"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"3600", time.Hour},
		{"1288817656", 1288817656 * time.Second},
		{"2 hours", 2 * time.Hour},
		{"+1d", 24 * time.Hour},
		{"1.5 hours", 90 * time.Minute},
		{"1,5 hours", 90 * time.Minute},
		{"1:30", 90 * time.Minute},
		{"1:30:15", time.Hour + 30*time.Minute + 15*time.Second},
		{"90m and 30s", 90*time.Minute + 30*time.Second},
		{"1h, 30m", 90 * time.Minute},
		{"2w", 14 * 24 * time.Hour},
		{"1M", 30 * 24 * time.Hour},
		{"1m", time.Minute},
		{"1 Month", 30 * 24 * time.Hour},
		{"1 MINUTES", time.Minute},
		{"1y", 365 * 24 * time.Hour},
		{"10 secs", 10 * time.Second},
		{"  45  ", 45 * time.Second},
		{"-3600", -time.Hour},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if err != nil {
			t.Errorf("ParseDuration(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseDurationRejects(t *testing.T) {
	for _, in := range []string{
		"tomorrow", "2 fortnights", "Wed, 03-Nov-2030 20:54:16 GMT", "", "h", "1 hour extra", "1H",
		"99999999999999 years",
	} {
		if d, err := ParseDuration(in); !errors.Is(err, ErrDuration) {
			t.Errorf("ParseDuration(%q) = %v, %v; want ErrDuration", in, d, err)
		}
	}
}
