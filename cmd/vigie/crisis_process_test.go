package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"vigie/moderation"
	"vigie/storage/storagetest"
)

// Crisis mode end to end (acceptance 2 of pages and crisis): the real
// `vigie serve`, the fake Graph API, the switch from the API and from the
// command line.

// crisisText is borderline: the default rules publish it (shouting, score
// 0.3 under the review threshold 0.5), the default crisis profile (review
// threshold halved) sends it to review.
const crisisText = "MERCI POUR CES EXPLICATIONS SUR LE PROJET DE LOI"

// crisisText2 is as borderline, and different (a third copy of crisisText
// would be a campaign, reviewed whatever the profile).
const crisisText2 = "JE NE SAVAIS PAS CELA, MERCI POUR LA PRECISION"

func crisisUserToken(t *testing.T, cfg, name, role string) string {
	t.Helper()
	if code, _, errOut := fbRun(t, map[string]string{"VIGIE_USER_PASSWORD": "un mot de passe assez long"},
		"user", "add", name, "--role", role, "--config", cfg); code != 0 {
		t.Fatalf("user add %s: %s", name, errOut)
	}
	code, out, errOut := fbRun(t, nil, "user", "token", name, "--config", cfg)
	if code != 0 {
		t.Fatalf("user token %s: %s", name, errOut)
	}
	return strings.TrimSpace(out)
}

type crisisState struct {
	Periods []moderation.CrisisPeriod `json:"periods"`
	Ongoing []moderation.CrisisPeriod `json:"ongoing"`
}

func crisisGet(t *testing.T, s *server, token string) crisisState {
	t.Helper()
	code, body := fbDo(t, s, "GET", "/api/v1/crisis", token, "")
	var st crisisState
	if err := json.Unmarshal(body, &st); code != http.StatusOK || err != nil {
		t.Fatalf("GET /api/v1/crisis: %d %s", code, body)
	}
	return st
}

// crisisReport polls the public JSON until its crisis periods satisfy ok.
func crisisReport(t *testing.T, s *server, path string, ok func(crises []crisisJSON) bool) []crisisJSON {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, body := fbDo(t, s, "GET", path, "", "")
		var r struct {
			Crises []crisisJSON `json:"crises"`
		}
		_ = json.Unmarshal(body, &r)
		if ok(r.Crises) {
			return r.Crises
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: crises %s", path, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

type crisisJSON struct {
	Page    string     `json:"page"`
	Start   time.Time  `json:"start"`
	Stop    *time.Time `json:"stop"`
	Ongoing bool       `json:"ongoing"`
	Reason  string     `json:"reason"`
	Figures struct {
		Received, Published, Refused, Pending int64
		WronglyRemoved                        int64 `json:"wrongly_removed"`
		TimeToDecision                        struct {
			Decisions     int64
			MedianSeconds *int64 `json:"median_seconds"`
		} `json:"time_to_decision"`
	} `json:"figures"`
}

func TestCrisisHidesReviewUntilPublishedOnThePageOnly(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testCrisisHides(t, "") })
	t.Run("postgres", func(t *testing.T) { testCrisisHides(t, storagetest.PostgresDSN(t)) })
}

func testCrisisHides(t *testing.T, pgDSN string) {
	fx := newFbSetup(t)
	if pgDSN != "" {
		raw, err := os.ReadFile(fx.cfg)
		if err != nil {
			t.Fatal(err)
		}
		pg := strings.Replace(string(raw), "database:\n  dsn: data/vigie.db\n", fmt.Sprintf("database:\n  driver: postgres\n  dsn: %q\n", pgDSN), 1)
		if pg == string(raw) {
			t.Fatalf("could not point the setup's config at PostgreSQL:\n%s", raw)
		}
		writeFile(t, fx.cfg, pg)
	}
	admin := crisisUserToken(t, fx.cfg, "chef", "admin")
	modo := crisisUserToken(t, fx.cfg, "modo", "moderator")
	s := startServer(t, fx.cfg, fx.env...)
	pageA, pageB := "fb-"+fbPageA, "fb-"+fbPageB
	env := map[string]string{} // the pages are the configured Facebook pages: the CLI needs their setup too
	for _, kv := range fx.env {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}

	// Only an admin switches; a reason is required; 409s say why.
	start := `{"action":"start","reason":"Attentat : la page relaie les consignes officielles"}`
	for _, tt := range []struct {
		token, path, body string
		want              int
		says              string
	}{
		{"", "/api/v1/pages/" + pageA + "/crisis", start, http.StatusUnauthorized, ""},
		{modo, "/api/v1/pages/" + pageA + "/crisis", start, http.StatusForbidden, ""},
		{admin, "/api/v1/pages/" + pageA + "/crisis", `{"action":"start","reason":"  "}`, http.StatusBadRequest, "reason"},
		{admin, "/api/v1/pages/" + pageA + "/crisis", `{"action":"start","reason":"\u200b\ufeff"}`, http.StatusBadRequest, "reason"},
		{admin, "/api/v1/pages/" + pageA + "/crisis", `{"action":"pause","reason":"x"}`, http.StatusBadRequest, "action"},
		{admin, "/api/v1/pages/nope/crisis", start, http.StatusNotFound, "nope"},
		{admin, "/api/v1/pages/" + pageB + "/crisis", `{"action":"stop","reason":"x"}`, http.StatusConflict, "not on for page " + pageB},
		{admin, "/api/v1/pages/" + pageA + "/crisis", start, http.StatusCreated, `"actor":"moderator:chef"`},
		{admin, "/api/v1/pages/" + pageA + "/crisis", start, http.StatusConflict, "already on for page " + pageA},
	} {
		code, body := fbDo(t, s, "POST", tt.path, tt.token, tt.body)
		if code != tt.want || !strings.Contains(string(body), tt.says) {
			t.Fatalf("POST %s %s: %d %s, want %d saying %q", tt.path, tt.body, code, body, tt.want, tt.says)
		}
	}

	// The same borderline comment on both pages: page A (in crisis) sends
	// it to review and hides it; page B publishes it and does nothing.
	fx.comment(t, "555_c1", fbPostA)
	fx.comment(t, "600_c1", fbPostB)
	fbDeliver(t, s, fbDelivery(map[string][]string{
		fbPageA: {fbChange("comment", "add", "555_c1", fbPostA, fbPostA, "7001", crisisText, 1717171800)},
		fbPageB: {fbChange("comment", "add", "600_c1", fbPostB, fbPostB, "7002", crisisText, 1717171801)},
	}))
	fbSettle(t, s)
	cs := fbComments(t, s)
	a, b := cs["facebook:111/555_c1"], cs["facebook:222/600_c1"]
	if a.Status != "pending" || b.Status != "published" {
		t.Fatalf("statuses: page A %s, page B %s; want pending (crisis profile) and published", a.Status, b.Status)
	}
	if c, _ := fx.fake.Comment("555_c1"); !c.Hidden {
		t.Fatal("the comment sent to review during the crisis is not hidden on the page")
	}
	if calls := fbCalls(fx.fake, "600_c1"); calls != "" {
		t.Errorf("page B, not in crisis: calls %q, want none", calls)
	}

	// The moderator publishes it: unhidden.
	code, body := fbDo(t, s, "POST", fmt.Sprintf("/api/v1/comments/%d/decision", a.ID), modo, `{"action":"publish"}`)
	if code != http.StatusOK {
		t.Fatalf("publish: %d %s", code, body)
	}
	fbWantUnhidden(t, fx, s, "555_c1")

	// Stopped from the command line, while the server runs: the server
	// takes it from the log, and the same text is published again.
	if code, out, errOut := fbRun(t, env, "crisis", "stop", "--page", pageA, "--reason", "Retour au calme", "--config", fx.cfg); code != 0 || !strings.Contains(out, "crisis stop on page "+pageA) {
		t.Fatalf("vigie crisis stop: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := fbRun(t, env, "crisis", "stop", "--page", pageA, "--reason", "encore", "--config", fx.cfg); code == 0 || !strings.Contains(errOut, "not on for page "+pageA) {
		t.Errorf("stopping twice: exit %d, %s; want a refusal naming the page", code, errOut)
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(crisisGet(t, s, admin).Ongoing) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the server never saw the crisis stopped on the command line")
		}
		time.Sleep(100 * time.Millisecond)
	}
	fx.comment(t, "555_c2", fbPostA)
	fbDeliver(t, s, fbDelivery(map[string][]string{fbPageA: {fbChange("comment", "add", "555_c2", fbPostA, fbPostA, "7003", crisisText2, 1717171900)}}))
	fbSettle(t, s)
	if st := fbComments(t, s)["facebook:111/555_c2"].Status; st != "published" {
		t.Errorf("after the crisis: %s, want published by the normal rules", st)
	}

	// The log records who, when and why.
	st := crisisGet(t, s, admin)
	if len(st.Periods) != 1 {
		t.Fatalf("periods %+v, want one", st.Periods)
	}
	p := st.Periods[0]
	if p.Page != pageA || p.StartedBy != "moderator:chef" || p.StoppedBy != moderation.ActorCLI ||
		!strings.HasPrefix(p.Reason, "Attentat") || p.StopReason != "Retour au calme" || !p.Stop.After(p.Start) {
		t.Errorf("period %+v", p)
	}

	// The public JSON lists the period with its own figures: one comment
	// of page A received during it, published by a moderator.
	for _, path := range []string{"/transparency.json", "/transparency/p/" + pageA + ".json"} {
		got := crisisReport(t, s, path, func(cr []crisisJSON) bool { return len(cr) == 1 && !cr[0].Ongoing && cr[0].Figures.Published == 1 })
		f := got[0].Figures
		if got[0].Page != pageA || f.Received != 1 || f.Refused != 0 || f.Pending != 0 || f.TimeToDecision.Decisions != 1 || got[0].Stop == nil {
			t.Errorf("%s: crisis %+v", path, got[0])
		}
	}
	crisisReport(t, s, "/transparency/p/"+pageB+".json", func(cr []crisisJSON) bool { return len(cr) == 0 })
	fbStop(t, s, syscall.SIGTERM)

	if code, out, errOut := fbRun(t, env, "verify", "--config", fx.cfg); code != 0 {
		t.Fatalf("verify with crisis events: %d %s %s", code, out, errOut)
	}
	if code, out, _ := fbRun(t, env, "crisis", "status", "--config", fx.cfg); code != 0 || !strings.Contains(out, "ended") || !strings.Contains(out, pageA) {
		t.Errorf("crisis status: %d %s", code, out)
	}
}
