package reports

import "testing"

func TestTextFormatsFollowTheLanguage(t *testing.T) {
	cases := []struct{ got, want string }{
		{pctText("fr", 0.125, 1), "12,5\u202f%"},
		{pctText("en", 0.125, 1), "12.5%"},
		{durText("fr", 87900), "1 j"}, // two adjacent units at most: 0 h ends it
		{durText("en", 26*3600), "1 d 2 h"},
		{durText("en", 5100), "1 h 25 min"},
		{durText("en", 40), "40 s"},
		{durText("fr", 0), "0 s"},
		{durText("en", 3*86400+7200+59), "3 d 2 h"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
