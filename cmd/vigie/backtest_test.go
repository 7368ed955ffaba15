package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/moderation"
)

func TestBacktestReportsChangesAndAgreement(t *testing.T) {
	cfg, _ := testConfig(t)
	lines := []string{}
	for i := range 6 {
		lines = append(lines, fmt.Sprintf(`{"external_id":"p%d","text":"Ce projet est un vrai zorglub, numéro %d"}`, i, i))
	}
	lines = append(lines,
		`{"external_id":"i1","text":"Espèce de connard"}`,
		`{"external_id":"m1","text":"Écrivez-moi à moi@example.org"}`,
		`{"external_id":"m2","text":"Appelez le 06 12 34 56 78"}`,
	)
	if code, _, errOut := run(t, "", "import", "--config", cfg, "--source", "import:comments.jsonl", writeLines(t, lines...)); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	// Moderators: they refused three "zorglub" comments, published two, and
	// decided the two pending ones.
	ctx := context.Background()
	env := &Env{Stdout: &strings.Builder{}, Stderr: &strings.Builder{}, Getenv: func(string) string { return "" }}
	app, err := openApp(ctx, env, cfg)
	if err != nil {
		t.Fatal(err)
	}
	decide := func(ext string, to moderation.Status, route moderation.Route) {
		c, err := app.DB.CommentBySource(ctx, "import:comments.jsonl", ext)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := app.Service.Decide(ctx, moderation.Decision{CommentID: c.ID, To: to, Actor: "moderator:1", Route: route, Category: "insult"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, ext := range []string{"p0", "p1", "p2"} {
		decide(ext, moderation.StatusRefused, moderation.RouteReport)
	}
	decide("m1", moderation.StatusPublished, moderation.RouteReview)
	decide("m2", moderation.StatusRefused, moderation.RouteReview)
	if err := app.Close(); err != nil {
		t.Fatal(err)
	}

	pack := filepath.Join(t.TempDir(), "candidate.yaml")
	writeFile(t, pack, fmt.Sprintf(extraPack, "zorglub"))
	code, out, errOut := run(t, "", "backtest", "--config", cfg, "--rules", "builtin:core,builtin:fr,builtin:en,"+pack)
	if code != 0 {
		t.Fatalf("backtest: exit %d\n%s", code, errOut)
	}
	for _, want := range []string{
		"9 stored comments replayed",
		"Would change status: 6 of 9",
		"published → refused        6",
		"zorglub",
		"5 comments a moderator decided",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("backtest output lacks %q:\n%s", want, out)
		}
	}
	// Current rules refuse none of the 4 human refusals; the candidate
	// catches the 3 zorglub ones and refuses nothing the moderators kept.
	if !strings.Contains(out, "current        20.0%      0.0%      0.0%") {
		t.Errorf("no agreement line for the current rules:\n%s", out)
	}
	if !strings.Contains(out, "candidate      80.0%    100.0%     75.0%") {
		t.Errorf("candidate agreement: want 80%% agreement, 100%% precision, 75%% recall:\n%s", out)
	}
	// --since keeps only comments received from that day on.
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
	code, out, _ = run(t, "", "backtest", "--config", cfg, "--since", tomorrow, "--rules", "builtin:core,builtin:fr,builtin:en,"+pack)
	if code != 0 || !strings.Contains(out, "0 stored comments replayed") {
		t.Errorf("backtest --since tomorrow: exit %d\n%s", code, out)
	}
	if code, _, _ := run(t, "", "backtest", "--config", cfg, "--since", "yesterday", "--rules", pack); code != 2 {
		t.Errorf("backtest --since yesterday: exit %d, want 2", code)
	}
	if code, _, _ := run(t, "", "backtest", "--config", cfg); code != 2 {
		t.Errorf("backtest without --rules: exit %d, want 2", code)
	}
}
