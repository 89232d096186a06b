package playbooks

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// dayUnits are the units parseDuration accepts on top of Go's. A day is 24
// hours: deadlines are fixed spans, not calendar days, so they do not move
// with daylight saving time.
var dayUnits = map[byte]time.Duration{
	'd': 24 * time.Hour,
	'w': 7 * 24 * time.Hour,
}

// parseDuration reads a duration of the playbook files: a Go duration
// ("90s", "15m", "4h", "1h30m") or a whole number of days ("5d") or weeks
// ("1w"). Negative durations are refused.
func parseDuration(s string) (time.Duration, error) {
	if strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("duration %q is negative", s)
	}
	if len(s) > 1 {
		if unit, ok := dayUnits[s[len(s)-1]]; ok && isDigits(s[:len(s)-1]) {
			n, err := strconv.ParseInt(s[:len(s)-1], 10, 64)
			if err != nil || n > math.MaxInt64/int64(unit) {
				return 0, fmt.Errorf("duration %q is too long", s)
			}
			return time.Duration(n) * unit, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q (want a number and a unit: 90s, 15m, 4h, 5d or 1w)", s)
	}
	return d, nil
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
