package api

import "testing"

// The intake series' label is one of a few kinds whatever the source says:
// a made-up kind, markup or bytes that are not UTF-8 are "other", never a
// new series.
func TestSourceKindLabel(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"api:site-a", "api"},
		{"facebook:1234", "facebook"},
		{"import:2026-12", "import"},
		{"api", "api"},
		{"", "other"},
		{"API:site", "other"},
		{"<script>:x", "other"},
		{"\xff\xfe:x", "other"},
		{"apiX:y", "other"},
	} {
		if got := sourceKindLabel(c.in); got != c.want {
			t.Errorf("sourceKindLabel(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
