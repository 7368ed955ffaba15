package intake_test

import (
	"encoding/json"
	"testing"

	"vigie/api/intake"
)

func TestHasLoneSurrogate(t *testing.T) {
	for _, tc := range []struct {
		body string
		want bool
	}{
		{`{"text":"plain"}`, false},
		{`{"text":"\ud83d\ude00"}`, false},
		{`{"text":"\uD83D\uDE00"}`, false},
		{`{"text":"\\ud800"}`, false}, // an escaped backslash, then letters
		{`{"text":"\"\\\ud83d\ude00"}`, false},
		{`{"text":"\u00e9\u2028"}`, false},
		{`{"text":"\ud800"}`, true},
		{`{"text":"\ud800x"}`, true},
		{`{"text":"\ud800\u0041"}`, true},
		{`{"text":"\udc00"}`, true},
		{`{"text":"\ude00\ud83d"}`, true},
		{`{"text":"\\\ud800"}`, true},
		{`{"a":"x","\ud800":"y"}`, true}, // in a key too
		{`{"text":"\ud83d`, true},
		{`{"text":"\u12`, false}, // malformed: the decoder's business
	} {
		if got := intake.HasLoneSurrogate([]byte(tc.body)); got != tc.want {
			t.Errorf("HasLoneSurrogate(%s) = %v, want %v", tc.body, got, tc.want)
		}
	}
	// Whatever encoding/json writes for a valid string has none.
	for _, s := range []string{"😀 é \u2028 \x01 \"quoted\" \\", "\U0010FFFF", "<script>&"} {
		b, _ := json.Marshal(map[string]string{"text": s})
		if intake.HasLoneSurrogate(b) {
			t.Errorf("HasLoneSurrogate(%s) = true for a marshalled valid string", b)
		}
	}
}
