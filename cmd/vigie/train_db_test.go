package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/moderation"
	"vigie/rules"
)

// seedExamples reads n labelled rows of each label from the shared
// training data (skipping the first skip of each), as moderators' texts.
func seedExamples(t *testing.T, n, skip int) []rules.Example {
	t.Helper()
	var out []rules.Example
	got, skipped := [2]int{}, [2]int{}
	for _, name := range []string{"forum_fr.csv", "wikipedia_talk_fr.csv", "wikipedia_talk_en.csv"} {
		path := filepath.Join("..", "..", "..", "shared", "data", "train", name)
		f, err := os.Open(path)
		if err != nil {
			t.Skipf("labelled data not found (%v): this test needs ../shared/data", err)
		}
		ex, err := rules.ReadExamples(f, path)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ex {
			if strings.TrimSpace(e.Text) == "" || len(e.Text) > 2000 {
				continue
			}
			if skipped[e.Label] < skip {
				skipped[e.Label]++
				continue
			}
			if got[e.Label] < n {
				got[e.Label]++
				out = append(out, e)
			}
		}
	}
	if got[0] < n || got[1] < n {
		t.Fatalf("only %v rows of each label in the shared data", got)
	}
	return out
}

// seedDecisions takes the texts in through the service, as a source would,
// and has a moderator decide each by its label: the queue for the pending
// ones, an appeal for those the rules refused. The config sends every
// comment to review (or the rules refuse it), so none is decided by the
// rules alone.
func seedDecisions(t *testing.T, cfg string, ex []rules.Example) {
	t.Helper()
	ctx := context.Background()
	env := &Env{Stdout: &strings.Builder{}, Stderr: &strings.Builder{}, Getenv: func(string) string { return "" }}
	app, err := openApp(ctx, env, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	const mod = "moderator:camille"
	for i, e := range ex {
		res, err := app.Service.Intake(ctx, moderation.NewComment{Source: "api:seed", ExternalID: fmt.Sprint("s", i), Text: e.Text,
			Author: moderation.Author{ID: fmt.Sprint("a", i)}})
		if err != nil {
			t.Fatalf("intake %d: %v", i, err)
		}
		id := res.Comment.ID
		action, appeal := moderation.Publish, moderation.Reinstate
		if e.Label == 1 {
			action, appeal = moderation.Refuse, moderation.Uphold
		}
		switch res.Comment.Status {
		case moderation.StatusPending:
			_, err = app.Service.Review(ctx, mod, moderation.ReviewDecision{CommentID: id, Action: action, Category: "insult", Note: "insulting, per the moderator"})
		case moderation.StatusRefused:
			var a moderation.Appeal
			if a, err = app.Service.OpenAppeal(ctx, id, moderation.ActorAuthor, ""); err == nil {
				_, err = app.Service.DecideAppeal(ctx, mod, a.ID, appeal, "per the moderator")
			}
		default:
			t.Fatalf("comment %d was %s by the rules: the seed config must send everything to review", i, res.Comment.Status)
		}
		if err != nil {
			t.Fatalf("decision %d: %v", i, err)
		}
	}
}

type intakeAnswer struct {
	Status  string        `json:"status"`
	Verdict rules.Verdict `json:"verdict"`
}

func postComment(t *testing.T, s *server, ext, text string) intakeAnswer {
	t.Helper()
	// One author: the seeded copy and this one stay under the repeated-post
	// rule's three authors.
	body, _ := json.Marshal(map[string]any{"source": "api:test", "external_id": ext, "text": text, "author": map[string]string{"id": "tester"}})
	code, b, err := s.post(http.DefaultClient, string(body))
	if err != nil || code/100 != 2 {
		t.Fatalf("intake %s: %d %s %v", ext, code, b, err)
	}
	var a intakeAnswer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestTrainFromModeratorsShadowBacktestPromote is the loop of learning
// from moderators, through the real binary on SQLite: 1,000 human
// decisions → `vigie train --from-db` → the candidate runs in shadow (a
// new comment's verdict records it, its status is the same) → backtest
// shows both agreements → `vigie model promote` → the running server
// decides with the candidate (new ruleset_version; a text the two models
// disagree on gets the candidate's action), also after a restart.
func TestTrainFromModeratorsShadowBacktestPromote(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model on 1,000 decisions")
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	base := "server:\n  addr: 127.0.0.1:0\ndatabase:\n  dsn: data/vigie.db\nlog:\n  level: info\n"
	seedCfg := filepath.Join(dir, "seed.yaml")
	writeFile(t, filepath.Join(dir, "review-all.yaml"), `rules:
  - id: seed.review_all
    kind: length
    category: spam
    action: review
    max_bytes: 1
`)
	writeFile(t, cfg, base)
	writeFile(t, seedCfg, base+"rules:\n  packs: [builtin:core, builtin:fr, builtin:en, review-all.yaml]\n")

	// Too few decisions: a clear refusal, nothing stored.
	code, _, errOut := run(t, "", "train", "--from-db", "--config", cfg)
	if code == 0 || !strings.Contains(errOut, "not enough human decisions") {
		t.Fatalf("train on an empty database: %d %q; want a clear refusal", code, errOut)
	}

	seeded := seedExamples(t, 500, 0)
	seedDecisions(t, seedCfg, seeded)
	// No --cv here: cross-validation trains the model a dozen times, which
	// under the race detector on a busy machine took minutes; the figures
	// are the CSV path's (train_test.go), over the same examples.
	code, out, errOut := run(t, "", "train", "--from-db", "--c", "100", "--config", cfg)
	if code != 0 || !strings.Contains(out, "candidate 1 stored") {
		t.Fatalf("train --from-db: %d\n%s\n%s", code, out, errOut)
	}
	t.Logf("train --from-db:\n%s", out)

	// A text the two models disagree on: published by the packs' model,
	// sent to review by the candidate (whose threshold is the rule's, 0.97:
	// a text a moderator refused and it learnt from is where it is sure).
	ctx := context.Background()
	env := &Env{Stdout: &strings.Builder{}, Stderr: &strings.Builder{}, Getenv: func(string) string { return "" }}
	app, err := openApp(ctx, env, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := app.rulesWithModels(ctx, app.Config)
	if err != nil {
		t.Fatal(err)
	}
	cand, _, err := app.candidateRuleset(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	// The schedule trains only on new decisions: none since candidate 1.
	if c, err := trainStored(ctx, app, trainParams{rule: "model.toxic", seed: 1, c: 10, onlyIfNew: true}); err != nil || c.ID != 0 {
		t.Errorf("scheduled retraining with no new decision: candidate %d, %v; want none", c.ID, err)
	}
	app.Close()
	var text string
	// A new text, not a copy: the repeated-post rule must stay out of it.
	for _, e := range seeded {
		in := rules.Input{Text: e.Text + " Voilà ce que j'en pense."}
		if cur.Classify(in, nil).Action == rules.ActionPublish && cand.Classify(in, nil).Action == rules.ActionReview {
			text = in.Text
			break
		}
	}
	if text == "" {
		t.Fatal("no text among the 1,000 on which the candidate sends to review what the packs' model publishes")
	}

	s := startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken)
	shadow := postComment(t, s, "n1", text)
	found := false
	for _, m := range shadow.Verdict.Matches {
		found = found || (m.Rule == "model.toxic@candidate-1" && m.Shadow)
	}
	if shadow.Status != "published" || !found {
		t.Fatalf("in shadow: %s %+v; want published, with the candidate's shadow match", shadow.Status, shadow.Verdict.Matches)
	}

	code, out, errOut = run(t, "", "backtest", "--candidate", "1", "--config", cfg)
	if code != 0 || !strings.Contains(out, "Agreement with human decisions (1000 comments") ||
		!strings.Contains(out, "  candidate ") || !strings.Contains(out, "not trained on") {
		t.Fatalf("backtest --candidate: %d\n%s\n%s", code, out, errOut)
	}
	t.Logf("backtest --candidate 1:\n%s", out)

	applied := strings.Count(s.log(), "models applied")
	if code, out, errOut := run(t, "", "model", "promote", "1", "--by", "moderator:ada", "--config", cfg); code != 0 || !strings.Contains(out, "promoted by moderator:ada") {
		t.Fatalf("model promote: %d\n%s\n%s", code, out, errOut)
	}
	// The server polls the candidates and says when it applied them.
	for deadline := time.Now().Add(4 * modelPoll); strings.Count(s.log(), "models applied") == applied; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the server did not apply the promotion within %s:\n%s", 4*modelPoll, s.log())
		}
	}
	after := postComment(t, s, "n2", text)
	if after.Verdict.RulesetVersion == shadow.Verdict.RulesetVersion {
		t.Fatalf("ruleset_version unchanged by the promotion:\n%s", s.log())
	}
	if after.Status != "pending" || after.Verdict.Action != rules.ActionReview || len(after.Verdict.Matches) == 0 || after.Verdict.Matches[0].Rule != "model.toxic" {
		t.Errorf("promoted: %s %v %+v; want the candidate's review through model.toxic", after.Status, after.Verdict.Action, after.Verdict.Matches)
	}

	// Calibration on the decisions the promoted model never saw.
	code, out, errOut = run(t, "", "calibrate", "--from-db", "--config", cfg)
	if !strings.Contains(out, "promoted model was not trained on (200)") {
		t.Errorf("calibrate --from-db: %d\n%s\n%s", code, out, errOut)
	}

	// A restart keeps the promoted model.
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	<-s.done
	s = startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken)
	again := postComment(t, s, "r1", text)
	if again.Verdict.RulesetVersion != after.Verdict.RulesetVersion || again.Status != "pending" {
		t.Errorf("after a restart: %s %s; want %s pending", again.Verdict.RulesetVersion, again.Status, after.Verdict.RulesetVersion)
	}
}
