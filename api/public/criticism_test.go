package public

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"vigie/moderation/i18n"
	"vigie/reports"
)

// TestPageShowsTheCriticismLine: the page, its JSON and its CSV show the
// criticism line and the campaign copies with the same figures, in French
// and in English, and the automated refusals of criticism as 0.
func TestPageShowsTheCriticismLine(t *testing.T) {
	h, _ := newTestServer(t, 400)
	w := get(t, h, "/transparency.json?period=2026-10")
	var rep reports.Report
	if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil {
		t.Fatalf("status %d: %v", w.Code, err)
	}
	c := rep.Criticism
	if c.Received == 0 || c.Published+c.Refused+c.Pending+c.Withdrawn != c.Received || c.RefusedAutomatically != 0 {
		t.Fatalf("criticism line %+v: want some criticism, adding up, none refused automatically", c)
	}
	if rep.Campaigns.Copies.Received == 0 {
		t.Fatalf("campaigns %+v: want some copies", rep.Campaigns)
	}
	num := regexp.MustCompile(`<span class="num">([^<]+)</span> ([^<]+)</li>`)
	for _, lang := range []string{"fr", "en"} {
		body := get(t, h, "/transparency?period=2026-10&lang="+lang).Body.String()
		if !strings.Contains(body, i18n.T(lang, "pub_criticism")) || !strings.Contains(body, i18n.T(lang, "pub_campaigns")) {
			t.Fatalf("%s: the page has no criticism or campaign section", lang)
		}
		got := map[string]string{}
		for _, m := range num.FindAllStringSubmatch(between(t, body, `id="criticism"`, "</ul>"), -1) {
			got[m[2]] = m[1]
		}
		want := map[string]string{
			i18n.T(lang, "pub_received"):          i18n.Int(lang, c.Received),
			i18n.T(lang, "pub_published"):         i18n.Int(lang, c.Published),
			i18n.T(lang, "pub_refused"):           i18n.Int(lang, c.Refused),
			i18n.T(lang, "pub_crit_auto_refused"): "0",
			i18n.T(lang, "pub_wrongly_removed"):   i18n.Int(lang, c.WronglyRemoved),
		}
		for label, v := range want {
			if got[label] != v {
				t.Errorf("%s: criticism %q shows %q, want %q (line %v)", lang, label, got[label], v, got)
			}
		}
		copies := between(t, body, `id="campaigns"`, "</ul>")
		if !strings.Contains(copies, `<span class="num">`+i18n.Int(lang, rep.Campaigns.Copies.Received)+`</span> `+i18n.T(lang, "pub_copies")) {
			t.Errorf("%s: campaign copies missing: %s", lang, copies)
		}
	}
	csv := get(t, h, "/transparency.csv?period=2026-10").Body.String()
	for _, row := range []string{"criticism,total,,received,", "criticism,total,,refused_automatically,0", "campaigns,copies,,received,"} {
		if !strings.Contains(csv, row) {
			t.Errorf("CSV lacks %q", row)
		}
	}
}
