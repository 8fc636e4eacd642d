//go:build !unix

package perlyaml

import "time"

// cpuTime is not measured here: the benchmarks report no cpu-ns/op.
func cpuTime() (time.Duration, bool) { return 0, false }
