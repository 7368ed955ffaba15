package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"vigie/api/facebook/fakegraph"
)

// The Facebook connector's acceptance, end to end: the real `vigie serve`
// binary, the fake Graph API in the test, deliveries signed as Meta signs
// them (helpers in facebook_helpers_test.go).

// The acceptance delivery: two pages, a top-level comment, a reply, a
// reaction, an edit that breaks the rules, the page's own comment, and on
// the other page an edit that arrives before its add.
func fbMixedDelivery() string {
	return fbDelivery(map[string][]string{
		fbPageA: {
			fbChange("comment", "add", "555_1", fbPostA, fbPostA, "7001", "Merci pour ces explications sur le projet de loi.", 1717171700),
			fbChange("comment", "add", "555_2", fbPostA, "555_1", "7002", "Je ne suis pas d'accord avec les chiffres du ministère.", 1717171710),
			fbChange("reaction", "edit", "", fbPostA, fbPostA, "7003", "", 1717171711),
			fbChange("comment", "edited", "555_1", fbPostA, fbPostA, "7001", "Espèce de connard, tu mens.", 1717171700),
			fbChange("comment", "add", "555_3", fbPostA, "555_1", fbPageA, "Merci de votre message.", 1717171720),
		},
		fbPageB: {
			fbChange("comment", "edited", "600_1", fbPostB, fbPostB, "7004", "Texte corrigé par son auteur.", 1717171730),
			fbChange("comment", "add", "600_1", fbPostB, fbPostB, "7004", "Texte original de l'auteur.", 1717171730),
		},
	})
}

// fbWant is the state fbMixedDelivery must leave, and nothing else.
var fbWant = map[string]fbView{
	"facebook:111/555_1": {ThreadID: fbPostA, Status: "refused", Text: "Espèce de connard, tu mens."},
	"facebook:111/555_2": {ThreadID: fbPostA, ParentID: "555_1", Status: "published", Text: "Je ne suis pas d'accord avec les chiffres du ministère."},
	"facebook:222/600_1": {ThreadID: fbPostB, Status: "published", Text: "Texte corrigé par son auteur."},
}

var fbWantHistory = map[string]string{
	"facebook:111/555_1": "new→published(rules) published→refused(edit)",
	"facebook:111/555_2": "new→published(rules)",
	"facebook:222/600_1": "new→published(rules)",
}

func fbCheckMixed(t *testing.T, got map[string]fbView) {
	t.Helper()
	if len(got) != len(fbWant) {
		keys := make([]string, 0, len(got))
		for k := range got {
			keys = append(keys, k)
		}
		t.Errorf("comments %v, want exactly %d", keys, len(fbWant))
	}
	for key, want := range fbWant {
		c, ok := got[key]
		switch {
		case !ok:
			t.Errorf("%s: missing", key)
		case c.Status != want.Status || c.Text != want.Text || c.ThreadID != want.ThreadID || c.ParentID != want.ParentID:
			t.Errorf("%s: %s %q thread %q parent %q, want %s %q thread %q parent %q", key,
				c.Status, c.Text, c.ThreadID, c.ParentID, want.Status, want.Text, want.ThreadID, want.ParentID)
		case c.history() != fbWantHistory[key]:
			t.Errorf("%s: events %s, want %s", key, c.history(), fbWantHistory[key])
		}
	}
}

// Acceptance 2: one delivery gives exactly the expected comments and
// events, and the edit that broke the rules hides the comment on the page.
func TestFacebookDeliveryGivesExactlyTheExpectedCommentsAndEvents(t *testing.T) {
	fx := newFbSetup(t)
	fx.comment(t, "555_1", fbPostA)
	s := startServer(t, fx.cfg, fx.env...)
	fbDeliver(t, s, fbMixedDelivery())
	fbSettle(t, s)
	fbCheckMixed(t, fbComments(t, s))
	if calls := fbCalls(fx.fake, "555_1"); calls != "hide:200" {
		t.Errorf("Graph calls on 555_1: %q, want one hide", calls)
	}
	if c, _ := fx.fake.Comment("555_1"); !c.Hidden {
		t.Error("555_1 is not hidden on the page")
	}
	if calls := fx.fake.Calls(); len(calls) != 1 {
		t.Errorf("Graph calls: %+v, want only the hide", calls)
	}
	fbStop(t, s, syscall.SIGTERM)
}

// Acceptance 3: Meta delivering the same thing three times, back to back,
// leaves the state of one delivery.
func TestFacebookDeliveryThreeTimesLeavesTheStateOfOnce(t *testing.T) {
	fx := newFbSetup(t)
	fx.comment(t, "555_1", fbPostA)
	s := startServer(t, fx.cfg, fx.env...)
	body := fbMixedDelivery()
	for range 3 {
		fbDeliver(t, s, body)
	}
	m := fbSettle(t, s)
	fbCheckMixed(t, fbComments(t, s))
	if calls := fbCalls(fx.fake, "555_1"); calls != "hide:200" {
		t.Errorf("Graph calls on 555_1: %q, want one hide", calls)
	}
	if m["vigie_inbox_failed"] != 0 || m[`vigie_facebook_deliveries_total{result="stored"}`] != 3 {
		t.Errorf("deliveries: %v stored, %v failed; want 3 stored, none failed", m[`vigie_facebook_deliveries_total{result="stored"}`], m["vigie_inbox_failed"])
	}
	fbStop(t, s, syscall.SIGTERM)
	code, out, errOut := fbRun(t, nil, "verify", "--config", fx.cfg)
	if code != 0 {
		t.Errorf("verify: exit %d\n%s%s", code, out, errOut)
	}
}

// fbRefused is a delivery of one comment the rules refuse.
func fbRefused(id string) string {
	return fbDelivery(map[string][]string{fbPageA: {
		fbChange("comment", "add", id, fbPostA, fbPostA, "7009", "Bande d'abrutis, espèces de connards, "+id, 1717171800)}})
}

// Acceptance 4: throttling is retried after backoff and the hide done once;
// an invalid token fails the action with an alert; code 100 on a comment
// already deleted is confirmed with a GET and closed.
func TestFacebookGraphErrorsAreRetriedFailedOrConfirmed(t *testing.T) {
	fx := newFbSetup(t)
	for _, id := range []string{"555_throttled", "555_token", "555_gone"} {
		fx.comment(t, id, fbPostA)
	}
	fx.fake.Script(fakegraph.OpHide, "555_throttled", fakegraph.Throttle(0), fakegraph.Throttle(0))
	fx.fake.Script(fakegraph.OpHide, "555_token", fakegraph.InvalidToken())
	// Deleted on Facebook (by its author) before Vigie hides it.
	req, _ := http.NewRequest("DELETE", fx.fake.URL()+"/v21.0/555_gone", nil)
	req.Header.Set("Authorization", "Bearer tok-a")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("delete on the fake: %v %v", resp, err)
	}
	s := startServer(t, fx.cfg, fx.env...)
	for _, id := range []string{"555_throttled", "555_token", "555_gone"} {
		fbDeliver(t, s, fbRefused(id))
	}
	m := fbSettle(t, s)

	if calls := fbCalls(fx.fake, "555_throttled"); calls != "hide:400/80001 hide:400/80001 hide:200" {
		t.Errorf("throttled: calls %q, want two throttled then one hide", calls)
	}
	if c, _ := fx.fake.Comment("555_throttled"); !c.Hidden {
		t.Error("throttled: not hidden in the end")
	}
	if n := strings.Count(s.log(), `msg="platform action will be retried"`); n != 2 {
		t.Errorf("%d retries logged, want 2 (each after its backoff)", n)
	}
	if calls := fbCalls(fx.fake, "555_token"); calls != "hide:400/190" {
		t.Errorf("invalid token: calls %q, want one, not retried", calls)
	}
	if calls := fbCalls(fx.fake, "555_gone"); calls != "delete:200 hide:400/100 get:400/100" { // the delete is the author's
		t.Errorf("gone: calls %q, want the hide then the GET that confirms", calls)
	}
	if m["vigie_outbox_failed"] != 1 || m["vigie_outbox_alerts"] != 1 {
		t.Errorf("outbox: %v failed, %v alerts; want the token's action failed with an alert", m["vigie_outbox_failed"], m["vigie_outbox_alerts"])
	}
	fbStop(t, s, syscall.SIGTERM)
}

// Acceptance 5: refused → hidden on the page; reinstated on appeal →
// shown again, and counted as wrongly removed in the public report.
func TestFacebookReinstatementUnhidesAndCountsAsWronglyRemoved(t *testing.T) {
	fx := newFbSetup(t)
	fx.comment(t, "555_appeal", fbPostA)
	if code, _, errOut := fbRun(t, map[string]string{"VIGIE_USER_PASSWORD": "un mot de passe assez long"},
		"user", "add", "modo", "--role", "moderator", "--config", fx.cfg); code != 0 {
		t.Fatalf("user add: %s", errOut)
	}
	code, out, errOut := fbRun(t, nil, "user", "token", "modo", "--config", fx.cfg)
	if code != 0 {
		t.Fatalf("user token: %s", errOut)
	}
	modToken := strings.TrimSpace(out)
	s := startServer(t, fx.cfg, fx.env...)
	fbDeliver(t, s, fbRefused("555_appeal"))
	fbSettle(t, s)
	if c, _ := fx.fake.Comment("555_appeal"); !c.Hidden {
		t.Fatal("the refused comment is not hidden on the page")
	}
	c := fbComments(t, s)["facebook:111/555_appeal"]
	code, body := fbDo(t, s, "POST", fmt.Sprintf("/api/v1/comments/%d/appeal", c.ID), testAPIToken, `{"statement":"Ce n'est pas une insulte."}`)
	var opened struct{ Appeal struct{ ID int64 } }
	if err := json.Unmarshal(body, &opened); code != http.StatusCreated || err != nil {
		t.Fatalf("appeal: %d %s", code, body)
	}
	code, body = fbDo(t, s, "POST", fmt.Sprintf("/api/v1/appeals/%d/decision", opened.Appeal.ID), modToken, `{"action":"reinstate"}`)
	if code != http.StatusOK {
		t.Fatalf("reinstate: %d %s", code, body)
	}
	fbWantUnhidden(t, fx, s, "555_appeal")
	// The public report follows the log every few seconds.
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, body = fbDo(t, s, "GET", "/api/v1/report", "", "")
		var r struct {
			Headline struct {
				WronglyRemoved int `json:"wrongly_removed"`
			}
		}
		_ = json.Unmarshal(body, &r)
		if r.Headline.WronglyRemoved == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("report: %s, want wrongly_removed 1", body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	fbStop(t, s, syscall.SIGTERM)
}

// Acceptance 6: kill -9 after the 200 and before the delivery is applied
// (this process runs no inbox worker), then a restart: applied once. And
// kill -9 between the decision and the Graph call (no outbox worker), then
// a restart: the hide is performed, once.
func TestFacebookKillDashNineLosesNeitherDeliveryNorAction(t *testing.T) {
	fx := newFbSetup(t)
	fx.comment(t, "555_1", fbPostA)
	receiveOnly := fx.config(t, "receive-only.yaml", "  inbox_workers: 0\n")
	s := startServer(t, receiveOnly, fx.env...)
	fbDeliver(t, s, fbMixedDelivery())
	fbStop(t, s, syscall.SIGKILL)

	noActions := fx.config(t, "no-actions.yaml", "  outbox_workers: 0\n")
	s = startServer(t, noActions, fx.env...)
	deadline := time.Now().Add(30 * time.Second)
	for scrapeMetrics(t, s)["vigie_inbox_pending"] != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the delivery stored before the kill was not applied\n%s", s.log())
		}
		time.Sleep(50 * time.Millisecond)
	}
	fbCheckMixed(t, fbComments(t, s))
	if m := scrapeMetrics(t, s); m["vigie_outbox_pending"] != 1 {
		t.Fatalf("outbox: %v pending, want the hide owed", m["vigie_outbox_pending"])
	}
	fbStop(t, s, syscall.SIGKILL)
	if calls := fx.fake.Calls(); len(calls) != 0 {
		t.Fatalf("Graph calls before any outbox worker ran: %+v", calls)
	}

	s = startServer(t, fx.cfg, fx.env...)
	fbSettle(t, s)
	fbCheckMixed(t, fbComments(t, s))
	if calls := fbCalls(fx.fake, "555_1"); calls != "hide:200" {
		t.Errorf("Graph calls on 555_1: %q, want one hide", calls)
	}
	fbStop(t, s, syscall.SIGTERM)
	if code, out, errOut := fbRun(t, nil, "verify", "--config", fx.cfg); code != 0 {
		t.Errorf("verify after two kills: exit %d\n%s%s", code, out, errOut)
	}
}
