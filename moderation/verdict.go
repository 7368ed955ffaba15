package moderation

import (
	"encoding/json"
	"fmt"

	"vigie/rules"
)

// EncodeVerdict is how a verdict is kept with a comment and an event: its
// JSON (the form the API shows), nil for none. The domain owns the form, so
// that storage needs to know nothing of the rules.
func EncodeVerdict(v *rules.Verdict) (*string, error) {
	if v == nil {
		return nil, nil
	}
	// json.Marshal's bytes without reflection (every intake stores one).
	b, err := v.AppendJSON(make([]byte, 0, 256))
	if err != nil {
		return nil, fmt.Errorf("verdict: %w", err)
	}
	s := string(b)
	return &s, nil
}

// DecodeVerdict reads what EncodeVerdict wrote; nil or "" is no verdict.
func DecodeVerdict(s *string) (*rules.Verdict, error) {
	if s == nil || *s == "" {
		return nil, nil
	}
	var v rules.Verdict
	if err := json.Unmarshal([]byte(*s), &v); err != nil {
		return nil, fmt.Errorf("verdict: %w", err)
	}
	return &v, nil
}
