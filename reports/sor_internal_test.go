package reports

import (
	"regexp"
	"strings"
	"testing"
)

// validPUID accepts exactly what ^[A-Za-z0-9_-]{1,500}$ accepts.
func TestValidPUIDIsThePattern(t *testing.T) {
	re := regexp.MustCompile(`^[A-Za-z0-9_-]{1,500}$`)
	cases := []string{"", "a", "A-b_9", "a b", "é", "x\n", strings.Repeat("a", 500), strings.Repeat("a", 501), "-", "_", "a.b", "a/b", "\x00"}
	for c := byte(0); c < 128; c++ {
		cases = append(cases, "id"+string(rune(c)))
	}
	for _, c := range cases {
		if got, want := validPUID(c), re.MatchString(c); got != want {
			t.Errorf("%q: validPUID %v, pattern %v", c, got, want)
		}
	}
}
