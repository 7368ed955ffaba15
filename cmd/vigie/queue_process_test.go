package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"vigie/storage/storagetest"
)

// Acceptance 2 of the review queue: moderators racing one another against
// real `vigie serve` processes, each with a personal token, over HTTP.

// concModerator is one moderator with a personal token and a connection of
// their own, so requests released together really arrive together.
type concModerator struct {
	name, token string
	client      *http.Client
}

// concRunEnv runs one command line in-process with this environment.
func concRunEnv(t *testing.T, env map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}
	code = Run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

// concModerators creates n moderators with `vigie user add` and gives each
// a token with `vigie user token`, before the server starts.
func concModerators(t *testing.T, cfg string, n int) []*concModerator {
	t.Helper()
	var mods []*concModerator
	for i := range n {
		name := fmt.Sprintf("mod%d", i+1)
		env := map[string]string{"VIGIE_USER_PASSWORD": "un mot de passe assez long"}
		if code, _, errOut := concRunEnv(t, env, "", "user", "add", name, "--role", "moderator", "--config", cfg); code != 0 {
			t.Fatalf("user add %s: exit %d\n%s", name, code, errOut)
		}
		code, out, errOut := concRunEnv(t, nil, "", "user", "token", name, "--config", cfg)
		if code != 0 {
			t.Fatalf("user token %s: exit %d\n%s", name, code, errOut)
		}
		mods = append(mods, &concModerator{name: name, token: strings.TrimSpace(out),
			client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}}})
	}
	return mods
}

// do sends one JSON request as the moderator.
func (m *concModerator) do(s *server, method, path, body string) (int, []byte, error) {
	req, err := http.NewRequest(method, "http://"+s.addr+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+m.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := m.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// concWarmUp opens each moderator's connection (and checks the token), so
// the race measures the server, not the TCP handshakes.
func concWarmUp(t *testing.T, s *server, mods ...*concModerator) {
	t.Helper()
	for _, m := range mods {
		if code, body, err := m.do(s, "GET", "/api/v1/queue?limit=1", ""); err != nil || code != http.StatusOK {
			t.Fatalf("%s cannot read the queue: %d %s %v", m.name, code, body, err)
		}
	}
}

// concWord makes a distinct word of letters for i, so no two seeded
// comments are copies of one text.
func concWord(i int) string {
	w := []byte("sujet")
	for range 3 {
		w = append(w, byte('a'+i%26))
		i /= 26
	}
	return string(w)
}

// concSeed posts n comments the default rules send to review, each from
// its own author, and returns their ids. A shortened link is reviewed by
// design (core.links.shortener): a softened insult would turn into a
// refusal whenever the mention cues are tuned.
func concSeed(t *testing.T, s *server, n int) []int64 {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	ids := make([]int64, n)
	for i := range n {
		text := fmt.Sprintf("Voici le lien https://bit.ly/%[1]s pour lire la suite du débat sur %[1]s", concWord(i))
		body := fmt.Sprintf(`{"source":"api:conc","external_id":"c%d","text":%q,"author":{"id":"auteur%d","name":"Auteur %d"}}`, i, text, i, i)
		code, resp, err := s.post(client, body)
		var r struct {
			ID     int64
			Status string
		}
		_ = json.Unmarshal(resp, &r)
		if err != nil || code != http.StatusCreated || r.Status != "pending" {
			t.Fatalf("seed %d: %d %s %v, want 201 and status pending", i, code, resp, err)
		}
		ids[i] = r.ID
	}
	return ids
}

type concClaim struct {
	Item struct {
		CommentID  int64     `json:"comment_id"`
		ClaimedBy  string    `json:"claimed_by"`
		LeaseUntil time.Time `json:"lease_until"`
	} `json:"item"`
}

// concClaimRace releases every moderator's `POST /api/v1/queue/claim` at
// once, rounds times (moderator i talks to servers[i%len(servers)]), and
// fails unless each claim got a comment nobody else got.
func concClaimRace(t *testing.T, servers []*server, mods []*concModerator, rounds int) map[int64]string {
	t.Helper()
	holders := map[int64]string{}
	for round := range rounds {
		start := make(chan struct{})
		got := make([]concClaim, len(mods))
		var wg sync.WaitGroup
		for i, m := range mods {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				code, body, err := m.do(servers[i%len(servers)], "POST", "/api/v1/queue/claim", `{}`)
				if err != nil || code != http.StatusOK {
					t.Errorf("round %d: %s's claim: %d %s %v", round, m.name, code, body, err)
					return
				}
				if err := json.Unmarshal(body, &got[i]); err != nil {
					t.Errorf("round %d: %s's claim: %v in %s", round, m.name, err, body)
				}
			}()
		}
		close(start)
		wg.Wait()
		for i, c := range got {
			id, want := c.Item.CommentID, "moderator:"+mods[i].name
			if id == 0 {
				continue // reported above
			}
			if prev, taken := holders[id]; taken {
				t.Errorf("round %d: comment %d went to %s and to %s", round, id, prev, want)
			}
			if c.Item.ClaimedBy != want {
				t.Errorf("round %d: comment %d claimed by %q in the answer to %s", round, id, c.Item.ClaimedBy, want)
			}
			holders[id] = want
		}
	}
	return holders
}

type concQueue struct {
	Items []struct {
		CommentID int64  `json:"comment_id"`
		ClaimedBy string `json:"claimed_by"`
	} `json:"items"`
	Stats struct{ Depth, Claimed int64 } `json:"stats"`
}

// concQueueOf reads the whole queue as m sees it.
func concQueueOf(t *testing.T, s *server, m *concModerator) concQueue {
	t.Helper()
	code, body, err := m.do(s, "GET", "/api/v1/queue?limit=500", "")
	var q concQueue
	if err == nil && code == http.StatusOK {
		err = json.Unmarshal(body, &q)
	}
	if err != nil || code != http.StatusOK {
		t.Fatalf("GET /api/v1/queue: %d %s %v", code, body, err)
	}
	return q
}

// concCheckQueue fails unless the queue shows exactly these holders.
func concCheckQueue(t *testing.T, s *server, m *concModerator, holders map[int64]string) {
	t.Helper()
	q := concQueueOf(t, s, m)
	if q.Stats.Claimed != int64(len(holders)) {
		t.Errorf("queue stats count %d claimed, want %d", q.Stats.Claimed, len(holders))
	}
	for _, it := range q.Items {
		if want := holders[it.CommentID]; want != "" && it.ClaimedBy != want {
			t.Errorf("queue shows comment %d claimed by %q, want %q", it.CommentID, it.ClaimedBy, want)
		}
	}
}

type concComment struct {
	Status string
	Events []struct{ Route, Actor, To string }
}

// concCommentOf reads a comment and its history with the intake token.
func concCommentOf(t *testing.T, s *server, id int64) concComment {
	t.Helper()
	req, _ := http.NewRequest("GET", fmt.Sprintf("http://%s/api/v1/comments/%d", s.addr, id), nil)
	req.Header.Set("Authorization", "Bearer "+testAPIToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var c concComment
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET comment %d: %d %v", id, resp.StatusCode, err)
	}
	return c
}

func (c concComment) reviews() (n int, actor string) {
	for _, e := range c.Events {
		if e.Route == "review" {
			n, actor = n+1, e.Actor
		}
	}
	return n, actor
}

// concConfig is testConfig with these lines added.
func concConfig(t *testing.T, extra string) string {
	t.Helper()
	cfg, _ := testConfig(t)
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		_, err = f.WriteString(extra)
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func concStop(t *testing.T, servers ...*server) {
	t.Helper()
	for _, s := range servers {
		s.cmd.Process.Signal(syscall.SIGTERM)
		if err := <-s.done; err != nil {
			t.Errorf("SIGTERM: exit %v\n%s", err, s.log())
		}
	}
}

// Eight moderators claiming at the same instant each get a comment of
// their own, three times over, and the queue shows who holds what.
func TestConcClaimRaceGivesEachModeratorADifferentComment(t *testing.T) {
	cfg, _ := testConfig(t)
	mods := concModerators(t, cfg, 8)
	s := startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken)
	concSeed(t, s, 30)
	concWarmUp(t, s, mods...)
	holders := concClaimRace(t, []*server{s}, mods, 3)
	if len(holders) != 24 {
		t.Errorf("%d comments claimed, want 24", len(holders))
	}
	concCheckQueue(t, s, mods[0], holders)
	concStop(t, s)
}

// The same races on PostgreSQL, with the moderators spread over two
// processes sharing one database: FOR UPDATE SKIP LOCKED, not a lock in
// one process, keeps the claims apart, and the chain head's row lock
// serialises two decisions on one comment.
func TestConcClaimRaceAcrossTwoPostgresProcesses(t *testing.T) {
	dsn := storagetest.PostgresDSN(t)
	cfg := postgresConfig(t, dsn)
	mods := concModerators(t, cfg, 8)
	a := startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken)
	b := startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken)
	ids := concSeed(t, a, 30)
	for i, m := range mods {
		concWarmUp(t, []*server{a, b}[i%2], m)
	}
	holders := concClaimRace(t, []*server{a, b}, mods, 3)
	if len(holders) != 24 {
		t.Errorf("%d comments claimed, want 24", len(holders))
	}
	concCheckQueue(t, b, mods[1], holders)

	// The six comments nobody claimed: two decisions at once, one through
	// each process, and still exactly one wins.
	var free []int64
	for _, id := range ids {
		if holders[id] == "" {
			free = append(free, id)
		}
	}
	concDecisionRace(t, []*server{a, b}, mods, free)
	concStop(t, a, b)
}

// Two moderators, neither holding a claim, publish the same comment at the
// same instant: one gets 200, the other 409, and the history holds one
// review decision. Twenty times.
func TestConcTwoDecisionsAtOnceExactlyOneSucceeds(t *testing.T) {
	cfg, _ := testConfig(t)
	mods := concModerators(t, cfg, 8)
	s := startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken)
	ids := concSeed(t, s, 20)
	concWarmUp(t, s, mods...)
	concDecisionRace(t, []*server{s}, mods, ids)
	concStop(t, s)
}

// concDecisionRace has two moderators publish each comment at the same
// instant (the first through servers[0], the second through the last
// server) and fails unless exactly one of them wins, with one event.
func concDecisionRace(t *testing.T, servers []*server, mods []*concModerator, ids []int64) {
	t.Helper()
	for k, id := range ids {
		pair := []*concModerator{mods[(2*k)%len(mods)], mods[(2*k+1)%len(mods)]}
		via := []*server{servers[0], servers[len(servers)-1]}
		codes := make([]int, 2)
		bodies := make([][]byte, 2)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, m := range pair {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				var err error
				codes[i], bodies[i], err = m.do(via[i], "POST", fmt.Sprintf("/api/v1/comments/%d/decision", id), `{"action":"publish"}`)
				if err != nil {
					t.Errorf("comment %d, %s: %v", id, m.name, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		won := slices.Index(codes, http.StatusOK)
		if sorted := slices.Sorted(slices.Values(codes)); !slices.Equal(sorted, []int{200, 409}) {
			t.Errorf("comment %d: answers %v (%s | %s), want one 200 and one 409", id, codes, bodies[0], bodies[1])
			continue
		}
		if lost := bodies[1-won]; !strings.Contains(string(lost), `"code":"conflict"`) {
			t.Errorf("comment %d: the loser got %s, want a conflict error", id, lost)
		}
		c := concCommentOf(t, servers[0], id)
		n, actor := c.reviews()
		if c.Status != "published" || n != 1 || len(c.Events) != 2 || actor != "moderator:"+pair[won].name {
			t.Errorf("comment %d after the race: %+v, want published with one review event by %s", id, c, pair[won].name)
		}
	}
}

// A decision on a comment someone else has claimed gets 409 and changes
// nothing; the holder's own decision then goes through.
func TestConcDecisionOnAnotherModeratorsClaimIs409(t *testing.T) {
	cfg, _ := testConfig(t)
	mods := concModerators(t, cfg, 2)
	a, b := mods[0], mods[1]
	s := startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken)
	id := concSeed(t, s, 1)[0]
	if code, body, err := a.do(s, "POST", "/api/v1/queue/claim", fmt.Sprintf(`{"comment_ids":[%d]}`, id)); err != nil || code != http.StatusOK {
		t.Fatalf("%s claims %d: %d %s %v", a.name, id, code, body, err)
	}
	for _, req := range []struct{ path, body string }{
		{fmt.Sprintf("/api/v1/comments/%d/decision", id), `{"action":"publish"}`},
		{fmt.Sprintf("/api/v1/comments/%d/decision", id), `{"action":"refuse","category":"insult"}`},
		{"/api/v1/queue/claim", fmt.Sprintf(`{"comment_ids":[%d]}`, id)},
	} {
		if code, body, err := b.do(s, "POST", req.path, req.body); err != nil || code != http.StatusConflict {
			t.Errorf("%s: POST %s %s: %d %s %v, want 409", b.name, req.path, req.body, code, body, err)
		}
	}
	if c := concCommentOf(t, s, id); c.Status != "pending" || len(c.Events) != 1 {
		t.Errorf("after the refused decisions: %+v, want pending with its intake event only", c)
	}
	concCheckQueue(t, s, b, map[int64]string{id: "moderator:" + a.name})
	if code, body, err := a.do(s, "POST", fmt.Sprintf("/api/v1/comments/%d/decision", id), `{"action":"refuse","category":"insult"}`); err != nil || code != http.StatusOK {
		t.Fatalf("the holder's decision: %d %s %v", code, body, err)
	}
	if c := concCommentOf(t, s, id); c.Status != "refused" || len(c.Events) != 2 {
		t.Errorf("after the holder's decision: %+v, want refused with two events", c)
	}
	concStop(t, s)
}

// A claim left alone returns to the queue when its lease runs out: the
// next moderator's claim gets that comment, and the first moderator can no
// longer decide it.
func TestConcExpiredLeaseReturnsTheCommentToTheQueue(t *testing.T) {
	cfg := concConfig(t, "review:\n  lease: 2s\n")
	mods := concModerators(t, cfg, 2)
	a, b := mods[0], mods[1]
	s := startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken)
	id := concSeed(t, s, 1)[0]
	code, body, err := a.do(s, "POST", "/api/v1/queue/claim", `{}`)
	var first concClaim
	if err == nil {
		err = json.Unmarshal(body, &first)
	}
	if err != nil || code != http.StatusOK || first.Item.CommentID != id || first.Item.LeaseUntil.IsZero() {
		t.Fatalf("%s's claim: %d %s %v, want comment %d with a lease", a.name, code, body, err, id)
	}

	// B polls for work; while A's lease runs, the queue has nothing free.
	deadline := time.Now().Add(30 * time.Second)
	var second concClaim
	for {
		code, body, err := b.do(s, "POST", "/api/v1/queue/claim", `{}`)
		asked := time.Now()
		if err != nil {
			t.Fatal(err)
		}
		if code == http.StatusOK {
			if err := json.Unmarshal(body, &second); err != nil {
				t.Fatal(err)
			}
			if asked.Before(first.Item.LeaseUntil) {
				t.Fatalf("%s got comment %d before %s's lease ran out (%s)", b.name, second.Item.CommentID, a.name, first.Item.LeaseUntil)
			}
			break
		}
		if code != http.StatusNotFound || !strings.Contains(string(body), `"code":"not_found"`) {
			t.Fatalf("%s's claim during the lease: %d %s, want 404 not_found", b.name, code, body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("comment %d still not back in the queue %s after its lease (until %s)", id, time.Since(first.Item.LeaseUntil), first.Item.LeaseUntil)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if second.Item.CommentID != id || second.Item.ClaimedBy != "moderator:"+b.name {
		t.Fatalf("after the lease: %s got %+v, want comment %d", b.name, second.Item, id)
	}
	concCheckQueue(t, s, a, map[int64]string{id: "moderator:" + b.name})
	if code, body, _ := a.do(s, "POST", fmt.Sprintf("/api/v1/comments/%d/decision", id), `{"action":"publish"}`); code != http.StatusConflict {
		t.Errorf("%s decides after losing the claim: %d %s, want 409", a.name, code, body)
	}
	if code, body, _ := b.do(s, "POST", fmt.Sprintf("/api/v1/comments/%d/decision", id), `{"action":"publish"}`); code != http.StatusOK {
		t.Errorf("%s decides the comment it holds: %d %s, want 200", b.name, code, body)
	}
	if c := concCommentOf(t, s, id); c.Status != "published" || len(c.Events) != 2 {
		t.Errorf("comment %d: %+v, want published by one review event", id, c)
	}
	concStop(t, s)
}
