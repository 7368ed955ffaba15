package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"vigie/reports"
)

func TestReportExportAndPurgeCommands(t *testing.T) {
	cfg, _ := testConfig(t)
	var lines []string
	for i := range 12 {
		text := fmt.Sprintf("Merci pour la réponse numéro %d", i)
		if i%3 == 0 {
			text = fmt.Sprintf("Espèce de connard numéro %d", i)
		}
		lines = append(lines, fmt.Sprintf(`{"external_id":"%d","text":%q,"author":{"id":"secret-author-%d","name":"Secret Name %d"}}`, i, text, i, i))
	}
	if code, _, errOut := run(t, "", "import", "--config", cfg, writeLines(t, lines...)); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	today := time.Now().UTC()
	from, to := today.AddDate(0, 0, -1).Format("2006-01-02"), today.AddDate(0, 0, 2).Format("2006-01-02")

	code, out, errOut := run(t, "", "report", "--config", cfg, "--from", from, "--to", to, "--format", "json")
	if code != 0 {
		t.Fatalf("report: %d %s", code, errOut)
	}
	var r reports.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("report JSON: %v\n%s", err, out)
	}
	if r.Headline.Received != 12 || r.Headline.Refused != 4 || r.Headline.Published != 8 || r.Schema != reports.Schema {
		t.Errorf("headline %+v schema %q; want 12 received, 8 published, 4 refused", r.Headline, r.Schema)
	}
	for _, format := range []string{"csv", "text"} {
		code, out, errOut := run(t, "", "report", "--config", cfg, "--from", from, "--to", to, "--format", format)
		if code != 0 || strings.Contains(out, "secret") || strings.Contains(out, "Secret") || strings.Contains(out, "connard") {
			t.Errorf("report --format %s: exit %d (%s), or personal data in:\n%s", format, code, errOut, out)
		}
	}

	code, out, errOut = run(t, "", "export", "sor", "--config", cfg, "--from", from, "--to", to)
	if code != 0 {
		t.Fatalf("export sor: %d %s", code, errOut)
	}
	n := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var s map[string]any
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("statement %d: %v", n+1, err)
		}
		if err := reports.ValidateSOR(s); err != nil {
			t.Errorf("statement %d invalid: %v", n+1, err)
		}
		n++
	}
	if n != 4 {
		t.Errorf("%d statements of reasons, want 4 (one per refusal)", n)
	}
	if strings.Contains(out, "secret") || strings.Contains(out, "connard") {
		t.Errorf("personal data in the statements:\n%s", out)
	}

	code, out, _ = run(t, "", "purge", "--config", cfg, "--older-than", "1d")
	if code != 0 || !strings.Contains(out, "purged 0 comments") {
		t.Errorf("purge: exit %d: %s", code, out)
	}
	if code, _, _ := run(t, "", "purge", "--config", cfg); code != 2 {
		t.Errorf("purge without --older-than: exit %d, want 2", code)
	}
	if code, out, errOut := run(t, "", "verify", "--config", cfg); code != 0 || !strings.Contains(out, "12 received") {
		t.Errorf("verify: exit %d\n%s\n%s", code, out, errOut)
	}
}
