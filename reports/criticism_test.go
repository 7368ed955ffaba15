package reports_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/moderation"
	"vigie/reports"
)

// TestCriticismAndCampaignLines: the two lines are read from the rule ids
// of the rules' verdicts in the log. A refusal of criticism by the rules is
// something the default packs never write; a forged log that has one shows
// it in refused_automatically, which is counted, not assumed.
func TestCriticismAndCampaignLines(t *testing.T) {
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	rules := func(id int64, at time.Time, to moderation.Status, cat string, ruleIDs ...string) moderation.Event {
		return moderation.Event{CommentID: id, At: at, Actor: moderation.ActorSystem, To: to, Route: moderation.RouteRules,
			Automation: moderation.AutomationFull, Category: cat, RuleIDs: ruleIDs}
	}
	person := func(id int64, at time.Time, from, to moderation.Status, route moderation.Route, cat, note string) moderation.Event {
		return moderation.Event{CommentID: id, At: at, Actor: "moderator:1", From: from, To: to, Route: route,
			Automation: moderation.AutomationPartial, Category: cat, Note: note}
	}
	evs := []moderation.Event{
		rules(1, h(1), moderation.StatusPublished, "", "fr.criticism"),
		rules(2, h(2), moderation.StatusPending, "insult", "fr.insult", "fr.criticism"),
		person(2, h(3), moderation.StatusPending, moderation.StatusRefused, moderation.RouteReview, "insult", "insulte envers les lecteurs"),
		rules(3, h(4), moderation.StatusRefused, "insult", "en.insult", "en.criticism"), // forged: the rules never do this
		rules(4, h(5), moderation.StatusPending, "repeated", "core.repeated"),
		rules(5, h(6), moderation.StatusPending, "repeated", "core.repeated", "fr.criticism"),
		person(5, h(7), moderation.StatusPending, moderation.StatusRefused, moderation.RouteReview, "spam", "copie d'une campagne de spam"),
		person(2, h(8), moderation.StatusRefused, moderation.StatusPublished, moderation.RouteAppeal, "", ""),
		rules(6, h(9), moderation.StatusPublished, ""), // nothing flagged
		rules(7, h(10), moderation.StatusPublished, "", "fr.criticismx", "repeated_x"),
	}
	ix := reports.NewIndex(reports.Options{})
	prev := moderation.GenesisHash
	for i := range evs {
		evs[i].Seal(int64(i+1), prev)
		prev = evs[i].Hash
		if err := ix.Apply(evs[i]); err != nil {
			t.Fatal(err)
		}
	}
	p, err := reports.ParsePeriod("2026-09", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ix.Report(p, reports.ReportOptions{Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	wantCrit := reports.CohortCounts{Received: 4, Published: 2, Refused: 2, RefusedBeforePublication: 2,
		WronglyRemoved: 1, WronglyRemovedAppeal: 1}
	if d := cmp.Diff(wantCrit, rep.Criticism.CohortCounts); d != "" {
		t.Errorf("criticism (-want +got):\n%s", d)
	}
	if rep.Criticism.RefusedAutomatically != 1 {
		t.Errorf("criticism refused automatically: got %d, want 1 (comment 3)", rep.Criticism.RefusedAutomatically)
	}
	wantCamp := reports.CohortCounts{Received: 2, Refused: 1, RefusedBeforePublication: 1, Pending: 1}
	if d := cmp.Diff(wantCamp, rep.Campaigns.Copies); d != "" {
		t.Errorf("campaign copies (-want +got):\n%s", d)
	}
	if rep.Criticism.Definition == "" || rep.Campaigns.Definition == "" {
		t.Error("the lines have no definition")
	}
}
