package rules

import (
	"encoding/csv"
	"testing"
)

// TestLanguageAgreement compares the two-step detector with lingua alone
// (same languages, whole text) on the dev data, and prints the agreement.
func TestLanguageAgreement(t *testing.T) {
	d := newLangDetector([]string{"fr", "en"})
	agree, total, cheap := 0, 0, 0
	for _, name := range []string{"mhc_fr.csv", "hatecheck_en.csv"} {
		f := openDev(t, name)
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs[1:] {
			nt := normalise(r[0])
			if _, ok := voteStopWords(nt); ok {
				cheap++
			}
			got := d.detect(nt)
			l, ok := d.lingua.DetectLanguageOf(r[0])
			want := ""
			if ok {
				want = toISO(l)
			}
			total++
			if got == want {
				agree++
			}
		}
	}
	pct := 100 * float64(agree) / float64(total)
	t.Logf("agreement with lingua alone: %.2f%% of %d comments; decided by stop words: %.1f%%", pct, total, 100*float64(cheap)/float64(total))
	if pct < 98 {
		t.Errorf("agreement %.2f%%, want >= 98%%", pct)
	}
}
