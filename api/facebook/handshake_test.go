package facebook

import (
	"net/url"
	"strings"
	"testing"
)

func TestVerifyChallenge(t *testing.T) {
	const token = "tok-123"
	q := func(mode, challenge, verify string) url.Values {
		return url.Values{"hub.mode": {mode}, "hub.challenge": {challenge}, "hub.verify_token": {verify}}
	}
	for _, c := range []struct {
		name       string
		query      url.Values
		configured string
		want       string
		ok         bool
	}{
		{"Meta's handshake", q("subscribe", "1158201444", token), token, "1158201444", true},
		{"wrong token", q("subscribe", "1158201444", "tok-124"), token, "", false},
		{"token prefix", q("subscribe", "1158201444", "tok"), token, "", false},
		{"no token sent", url.Values{"hub.mode": {"subscribe"}, "hub.challenge": {"1"}}, token, "", false},
		{"no token configured", q("subscribe", "1", ""), "", "", false},
		{"other mode", q("unsubscribe", "1", token), token, "", false},
		{"mode in capitals", q("SUBSCRIBE", "1", token), token, "", false},
		{"empty challenge", q("subscribe", "", token), token, "", false},
		{"challenge with markup is never echoed", q("subscribe", "<script>alert(1)</script>", token), token, "", false},
		{"negative challenge", q("subscribe", "-1", token), token, "", false},
		{"challenge with a newline", q("subscribe", "12\n34", token), token, "", false},
		{"challenge of Arabic-Indic digits", q("subscribe", "١٢٣", token), token, "", false},
		{"overlong challenge", q("subscribe", strings.Repeat("9", 33), token), token, "", false},
		{"empty query", url.Values{}, token, "", false},
	} {
		got, ok := VerifyChallenge(c.query, c.configured)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: got (%q, %v), want (%q, %v)", c.name, got, ok, c.want, c.ok)
		}
	}
}

// TestVerifyChallengeReadsDottedKeys: the keys keep their dots in a parsed
// query string, which is what the handler will pass.
func TestVerifyChallengeReadsDottedKeys(t *testing.T) {
	query, err := url.ParseQuery("hub.mode=subscribe&hub.challenge=42&hub.verify_token=a%20b")
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := VerifyChallenge(query, "a b"); !ok || got != "42" {
		t.Errorf("got (%q, %v), want (\"42\", true)", got, ok)
	}
}
