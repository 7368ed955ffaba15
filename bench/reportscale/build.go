package main

import (
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"vigie/moderation"
	"vigie/rules"
	"vigie/storage"
)

// genVersion changes whenever the generated history changes, so a cached
// file from an older generator is rebuilt rather than measured.
const genVersion = 2

// The history: one calendar year of receipts; follow-ups (decisions,
// appeals, audits, edits, withdrawals) may spill a little into the next.
var (
	yearStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	yearSpan  = 365 * 24 * time.Hour
)

// marker is written next to the database once it is complete; a file
// without a matching marker is rebuilt.
type marker struct {
	Version   int     `json:"version"`
	Comments  int64   `json:"comments"`
	Events    int64   `json:"events"`
	HeadSeq   int64   `json:"head_seq"`
	HeadHash  string  `json:"head_hash"`
	BuildSecs float64 `json:"build_seconds"`
	Workers   int     `json:"workers"`
	Commits   int64   `json:"commits"`
	Sync      string  `json:"synchronous"`
	Built     string  `json:"built_at"`
}

func markerPath(db string) string { return db + ".done.json" }

func readMarker(db string) (marker, bool) {
	var m marker
	b, err := os.ReadFile(markerPath(db))
	if err != nil || json.Unmarshal(b, &m) != nil {
		return m, false
	}
	return m, true
}

// cached reports whether db holds a complete history of n comments built by
// this generator: the marker matches and so does the chain head in the file.
func cached(ctx context.Context, path string, n int64) (marker, bool) {
	m, ok := readMarker(path)
	if !ok || m.Version != genVersion || m.Comments != n {
		return m, false
	}
	if _, err := os.Stat(path); err != nil {
		return m, false
	}
	db, err := storage.Open(ctx, storage.Config{DSN: path}, nil)
	if err != nil {
		return m, false
	}
	defer db.Close()
	seq, hash, err := db.Head(ctx)
	if err != nil || seq != m.HeadSeq || hash != m.HeadHash {
		return m, false
	}
	// Hashes written by an older event encoding do not check with this
	// one: such a file can only be rebuilt. The first events and the last
	// ones cover every kind of field.
	for _, after := range []int64{0, max(0, seq-2000)} {
		evs, err := db.EventsAfter(ctx, after, 2000)
		if err != nil || len(evs) == 0 {
			return m, false
		}
		for i := range evs {
			if evs[i].ComputeHash(evs[i].PrevHash) != evs[i].Hash {
				log.Printf("%s: event %d does not match its hash with this build's event encoding", path, evs[i].Seq)
				return m, false
			}
		}
	}
	return m, true
}

// ---- the comments and their histories ----

type weighted[T any] struct {
	w float64
	v T
}

func pick[T any](r *rand.Rand, xs []weighted[T]) T {
	var sum float64
	for _, x := range xs {
		sum += x.w
	}
	p := r.Float64() * sum
	for _, x := range xs {
		if p -= x.w; p < 0 {
			return x.v
		}
	}
	return xs[len(xs)-1].v
}

var sources = []weighted[string]{
	{40, "facebook:104885321"}, {22, "facebook:207731990"}, {13, "facebook:311245871"},
	{15, "api:site-actualites"}, {10, "api:forum"},
}

var languages = []weighted[string]{{70, "fr"}, {25, "en"}, {2, "de"}, {1, "es"}, {2, ""}}

// flagged is why the rules refused a comment or sent it to review: a category
// of rules/packs/core.yaml and rule ids of the default packs ("L" stands for
// the comment's language pack, fr or en).
type flagged struct {
	cat   string
	rules []string
}

var autoRefusals = []weighted[flagged]{
	{35, flagged{"repeated", []string{"core.repeated"}}}, // the 2015 case: identical posts
	{28, flagged{"insult", []string{"L.insult"}}},
	{10, flagged{"insult", []string{"L.insult.mild", "L.vulgar"}}},
	{12, flagged{"hate", []string{"L.slur"}}},
	{6, flagged{"threat", []string{"L.threat.direct"}}},
	{6, flagged{"sexual", []string{"L.sexual", "L.vulgar"}}},
	{3, flagged{"hate", []string{"L.slur", "L.hate.group"}}},
}

var reviews = []weighted[flagged]{
	{14, flagged{"spam", []string{"core.links.shortener"}}},
	{6, flagged{"spam", []string{"core.links.only"}}},
	{5, flagged{"spam", []string{"core.links.many"}}},
	{10, flagged{"personal_data", []string{"core.personal_data"}}},
	{20, flagged{"vulgarity", []string{"L.vulgar"}}},
	{15, flagged{"insult", []string{"L.insult.mild"}}},
	{6, flagged{"hate", []string{"L.slur.ambiguous"}}},
	{4, flagged{"hate", []string{"L.hate.group"}}},
	{3, flagged{"threat", []string{"L.threat"}}},
	{2, flagged{"threat", []string{"L.threat.group"}}},
	{5, flagged{"flood", []string{"core.flood"}}},
	{3, flagged{"shouting", []string{"core.shouting"}}},
	{2, flagged{"shouting", []string{"core.char_flood"}}},
}

var offLanguage = flagged{"off_language", []string{"core.off_language"}}

// Categories a moderator gives when refusing a comment after a report or
// on review of a comment the rules published.
var humanCats = []weighted[string]{{40, "insult"}, {20, "spam"}, {15, "hate"}, {10, "vulgarity"}, {8, "threat"}, {7, "personal_data"}}

var sentences = map[string][]string{
	"fr": {
		"Merci pour ces précisions, c'est plus clair maintenant.",
		"Je ne suis pas d'accord avec l'article 2 du projet de loi.",
		"Quelles garanties pour les libertés individuelles dans ce texte ?",
		"Le tableau vrai/faux oublie la question du contrôle des algorithmes.",
		"Pouvez-vous publier l'avis de la CNIL en entier ?",
		"Encore une fois on nous explique que tout va bien.",
		"La commission de contrôle aura-t-elle vraiment les moyens d'agir ?",
		"Bonne initiative, mais il faudrait en parler davantage.",
		"C'est faux, relisez le texte adopté en commission.",
		"Et les données des personnes qui n'ont rien à se reprocher ?",
	},
	"en": {
		"Thanks for the clarification, that helps a lot.",
		"I disagree with section 2 of the bill.",
		"What safeguards are there for individual freedoms?",
		"The true/false table leaves out oversight of the algorithms.",
		"Could you publish the regulator's full opinion?",
		"Once again we are told that everything is fine.",
		"Will the oversight board really have the means to act?",
		"Good initiative, but it deserves a wider debate.",
		"That is wrong, read the text adopted in committee.",
		"What about the data of people who have done nothing wrong?",
	},
	"de": {"Ich verstehe nicht, warum das Gesetz so schnell verabschiedet wird."},
	"es": {"No entiendo por qué se aprueba esta ley tan rápido."},
}

func textFor(r *rand.Rand, lang string) string {
	ss := sentences[lang]
	if ss == nil {
		ss = sentences["fr"]
	}
	var b strings.Builder
	for n := 1 + r.IntN(3); n > 0; n-- {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(ss[r.IntN(len(ss))])
	}
	return b.String()
}

// comment is one generated comment and where its history stands.
type comment struct {
	idx      int64 // 0-based position in the year
	id       int64 // database id, once taken in
	r        *rand.Rand
	source   string
	extID    string
	author   moderation.Author
	salt     []byte
	text     string
	lang     string
	status   moderation.Status
	flag     flagged // the rules' flag, if any
	auto     bool    // the current status came from the rules alone
	appealed bool
	audited  bool
	events   int
	ruleset  string
}

// step is the next thing to happen to a comment, at a time.
type step struct {
	at time.Time
	c  *comment
	// for a transition:
	to     moderation.Status
	actor  string
	route  moderation.Route
	auto   moderation.Automation
	cat    string
	rules  []string
	note   string
	edited bool
}

func (g *generator) rulesetAt(t time.Time) string {
	if t.Before(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)) {
		return g.rsVersion + "-h1"
	}
	return g.rsVersion
}

func expandRules(ids []string, lang string) []string {
	p := "fr"
	if lang == "en" {
		p = "en"
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strings.Replace(id, "L.", p+".", 1)
	}
	return out
}

func (g *generator) verdict(c *comment, action rules.Action, f flagged, at time.Time) *rules.Verdict {
	v := &rules.Verdict{Action: action, Language: c.lang, RulesetVersion: g.rulesetAt(at), Matches: []rules.Match{}}
	if action == rules.ActionPublish {
		v.Score = math.Round(c.r.Float64()*30) / 100
		return v
	}
	v.Category = f.cat
	v.Score = 0.5 + math.Round(c.r.Float64()*80)/100
	for _, id := range f.rules {
		s := c.r.IntN(max(1, len(c.text)-12))
		e := min(len(c.text), s+4+c.r.IntN(8))
		v.Matches = append(v.Matches, rules.Match{Rule: id, Category: f.cat, Start: s, End: e, Text: c.text[s:e]})
	}
	return v
}

// newComment draws comment idx and the event that takes it in.
func (g *generator) newComment(idx int64) (*comment, *moderation.Comment, *moderation.Event) {
	r := rand.New(rand.NewPCG(g.seed, uint64(idx)))
	c := &comment{idx: idx, r: r}
	at := yearStart.Add(time.Duration((float64(idx) + r.Float64()) / float64(g.n) * float64(yearSpan)))
	at = moderation.TruncateTime(at)
	c.source = pick(r, sources)
	c.extID = "c" + strconv.FormatInt(idx, 36)
	a := int(math.Floor(math.Pow(r.Float64(), 2.5) * 250_000)) // a few authors write a lot
	c.author = moderation.Author{ID: "u" + strconv.Itoa(a), Name: "Auteur " + strconv.Itoa(a)}
	c.salt = make([]byte, 16)
	for i := range c.salt {
		c.salt[i] = byte(r.Uint32())
	}
	c.lang = pick(r, languages)
	c.text = textFor(r, c.lang)
	c.ruleset = g.rulesetAt(at)

	var action rules.Action
	switch p := r.Float64(); {
	case c.lang != "fr" && c.lang != "en" && p < 0.9:
		action, c.flag = rules.ActionReview, offLanguage
	case p < 0.80:
		action = rules.ActionPublish
	case p < 0.90:
		action = rules.ActionRefuse
		f := pick(r, autoRefusals)
		c.flag = flagged{f.cat, expandRules(f.rules, c.lang)}
	default:
		action = rules.ActionReview
		f := pick(r, reviews)
		c.flag = flagged{f.cat, expandRules(f.rules, c.lang)}
	}
	v := g.verdict(c, action, c.flag, at)
	c.status, c.auto = moderation.StatusFor(action), action != rules.ActionReview
	mc := &moderation.Comment{
		Source: c.source, ExternalID: c.extID, ThreadID: "t" + strconv.FormatInt(idx/200, 36),
		Author: c.author, Text: c.text, Language: c.lang, Status: c.status, Verdict: v,
		CreatedAt: at.Add(-time.Duration(r.IntN(5000)) * time.Millisecond), ReceivedAt: at, UpdatedAt: at, Salt: c.salt,
	}
	e := &moderation.Event{
		At: at, Actor: moderation.ActorSystem, To: c.status, Route: moderation.RouteRules,
		Automation: moderation.AutomationFull, RulesetVersion: v.RulesetVersion,
		Source: c.source, Language: c.lang, Text: c.text, Verdict: v,
		TextDigest: moderation.Digest(c.salt, c.text), AuthorDigest: moderation.Digest(c.salt, c.author.ID, c.author.Name),
	}
	if c.status != moderation.StatusPublished {
		mc.Category, e.Category, e.RuleIDs = c.flag.cat, c.flag.cat, c.flag.rules
	}
	return c, mc, e
}

func moderator(r *rand.Rand) string { return "moderator:" + strconv.Itoa(1+r.IntN(12)) }

// delay draws a log-uniform wait between lo and hi.
func delay(r *rand.Rand, lo, hi time.Duration) time.Duration {
	return time.Duration(math.Exp(math.Log(float64(lo)) + r.Float64()*(math.Log(float64(hi))-math.Log(float64(lo)))))
}

// next draws what happens to c after time t, or nil when its history ends.
// The rates give about 1.5 events per comment: ~80% published by the rules,
// ~10% refused by them, ~10% sent to review and decided by a moderator;
// then edits, withdrawals, audits of automated decisions, later reports,
// appeals (some upheld: wrongly removed) and rare re-checks.
func (g *generator) next(c *comment, t time.Time) *step {
	r := c.r
	if c.events >= 7 {
		return nil
	}
	s := &step{c: c}
	p := r.Float64()
	switch c.status {
	case moderation.StatusPending:
		s.at = t.Add(delay(r, 2*time.Minute, 60*time.Hour))
		s.actor, s.route, s.auto = moderator(r), moderation.RouteReview, moderation.AutomationPartial
		switch {
		case p < 0.47:
			s.to = moderation.StatusPublished
		case p < 0.96:
			s.to, s.cat, s.rules = moderation.StatusRefused, c.flag.cat, c.flag.rules
		case p < 0.985:
			s.to, s.actor, s.route, s.auto = moderation.StatusWithdrawn, moderation.ActorPlatform, moderation.RoutePlatform, moderation.AutomationNone
		default:
			return nil // still in the queue
		}
	case moderation.StatusPublished:
		switch {
		case p < 0.22: // the author edits; the rules judge it again
			s.at = t.Add(delay(r, time.Minute, 48*time.Hour))
			s.actor, s.route, s.auto, s.edited = moderation.ActorSystem, moderation.RouteEdit, moderation.AutomationFull, true
			s.to = moderation.StatusPublished
			if r.Float64() < 0.04 {
				f := pick(r, autoRefusals)
				s.to, s.cat, s.rules = moderation.StatusRefused, f.cat, expandRules(f.rules, c.lang)
			}
		case p < 0.29:
			s.at = t.Add(delay(r, 10*time.Minute, 30*24*time.Hour))
			s.to, s.actor, s.route, s.auto = moderation.StatusWithdrawn, moderation.ActorPlatform, moderation.RoutePlatform, moderation.AutomationNone
		case p < 0.32 && c.auto && !c.audited: // blind audit sample of an automated decision
			c.audited = true
			s.at = t.Add(delay(r, time.Hour, 7*24*time.Hour))
			s.actor, s.route, s.auto, s.to = moderator(r), moderation.RouteAudit, moderation.AutomationNone, moderation.StatusPublished
			if r.Float64() < 0.06 {
				s.to, s.cat = moderation.StatusRefused, pick(r, humanCats)
				s.note = "audit: overturned"
			}
		case p < 0.345: // a later report
			s.at = t.Add(delay(r, time.Hour, 20*24*time.Hour))
			s.actor, s.route, s.auto = moderator(r), moderation.RouteReport, moderation.AutomationNone
			s.to, s.cat = moderation.StatusRefused, pick(r, humanCats)
		default:
			return nil
		}
	case moderation.StatusRefused:
		switch {
		case p < 0.15 && !c.appealed:
			c.appealed = true
			s.at = t.Add(delay(r, 6*time.Hour, 21*24*time.Hour))
			s.actor, s.route, s.auto = moderator(r), moderation.RouteAppeal, moderation.AutomationNone
			s.to, s.cat, s.rules = moderation.StatusRefused, c.flag.cat, c.flag.rules // confirmed
			if r.Float64() < 0.35 {
				s.to, s.cat, s.rules, s.note = moderation.StatusPublished, "", nil, "appeal upheld"
			}
		case p < 0.18 && c.auto && !c.audited:
			c.audited = true
			s.at = t.Add(delay(r, time.Hour, 7*24*time.Hour))
			s.actor, s.route, s.auto = moderator(r), moderation.RouteAudit, moderation.AutomationNone
			s.to, s.cat, s.rules = moderation.StatusRefused, c.flag.cat, c.flag.rules
			if r.Float64() < 0.2 {
				s.to, s.cat, s.rules = moderation.StatusPublished, "", nil
			}
		case p < 0.22:
			s.at = t.Add(delay(r, time.Hour, 30*24*time.Hour))
			s.to, s.actor, s.route, s.auto = moderation.StatusWithdrawn, moderation.ActorPlatform, moderation.RoutePlatform, moderation.AutomationNone
		case p < 0.225:
			s.at = t.Add(delay(r, time.Hour, 10*24*time.Hour))
			s.actor, s.route, s.auto, s.to = moderator(r), moderation.RouteRecheck, moderation.AutomationNone, moderation.StatusPublished
		default:
			return nil
		}
	default:
		return nil
	}
	s.at = moderation.TruncateTime(s.at)
	return s
}

// event builds the event (and patch) of a transition step.
func (g *generator) event(s *step) (*moderation.Event, *moderation.Patch) {
	c := s.c
	var patch *moderation.Patch
	var v *rules.Verdict
	if s.edited {
		c.text = c.text + " " + textFor(c.r, c.lang)
		action := rules.ActionPublish
		if s.to == moderation.StatusRefused {
			action = rules.ActionRefuse
		}
		v = g.verdict(c, action, flagged{s.cat, s.rules}, s.at)
		t := c.text
		patch = &moderation.Patch{Text: &t, Verdict: v}
	}
	e := &moderation.Event{
		CommentID: c.id, At: s.at, Actor: s.actor, From: c.status, To: s.to, Route: s.route,
		Automation: s.auto, Category: s.cat, RuleIDs: s.rules, Note: s.note,
		RulesetVersion: c.ruleset, Source: c.source, Language: c.lang, Text: c.text, Verdict: v,
		TextDigest: moderation.Digest(c.salt, c.text), AuthorDigest: moderation.Digest(c.salt, c.author.ID, c.author.Name),
	}
	if v != nil {
		e.RulesetVersion = v.RulesetVersion
	}
	return e, patch
}

// ---- the driver ----

type generator struct {
	db        *storage.DB
	n         int64
	seed      uint64
	rsVersion string
}

type stepHeap []*step

func (h stepHeap) Len() int           { return len(h) }
func (h stepHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h stepHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *stepHeap) Push(x any)        { *h = append(*h, x.(*step)) }
func (h *stepHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return x
}

// work is one write for a worker: an intake (c == nil: draw comment idx)
// or a transition step.
type work struct {
	idx  int64
	step *step
}

type result struct {
	c   *comment
	at  time.Time
	err error
}

// build writes the history into the database at path through the real
// storage writer (group commit, hash chain), with workers concurrent
// writers. Writes are dispatched in time order: receipts through the year,
// and each follow-up once it is due and its comment's previous write has
// been committed, so sequence numbers follow the clock as in production.
func build(ctx context.Context, path string, n int64, workers int, syncMode string) (marker, error) {
	for _, suffix := range []string{"", "-wal", "-shm", ".done.json"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return marker{}, err
		}
	}
	dsn := path
	if syncMode != "" {
		dsn += "?_synchronous=" + syncMode
	}
	db, err := storage.Open(ctx, storage.Config{DSN: dsn}, nil)
	if err != nil {
		return marker{}, err
	}
	defer db.Close()
	rs, err := rules.Load(rules.DefaultSettings(), rules.Options{Languages: []string{"fr", "en"}})
	if err != nil {
		return marker{}, err
	}
	g := &generator{db: db, n: n, seed: 2015, rsVersion: rs.Version()}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan work)
	done := make(chan result, workers)
	var wg sync.WaitGroup
	var events, comments atomic.Int64
	for range workers {
		wg.Go(func() {
			for w := range jobs {
				res := g.do(ctx, w)
				if res.err == nil {
					events.Add(1)
					if w.step == nil {
						comments.Add(1)
					}
				}
				done <- res
			}
		})
	}

	start := time.Now()
	stopProgress := progress(start, &comments, &events, n)
	var (
		h        stepHeap
		nextIdx  int64
		inflight int
		firstErr error
	)
	intakeAt := func(i int64) time.Time {
		return yearStart.Add(time.Duration(float64(i) / float64(n) * float64(yearSpan)))
	}
	for firstErr == nil {
		var w work
		var have bool
		switch {
		case len(h) > 0 && (nextIdx >= n || !h[0].at.After(intakeAt(nextIdx))):
			w, have = work{step: h[0]}, true
		case nextIdx < n:
			w, have = work{idx: nextIdx}, true
		}
		if !have && inflight == 0 {
			break
		}
		var send chan work
		if have {
			send = jobs
		}
		select {
		case send <- w:
			inflight++
			if w.step != nil {
				heap.Pop(&h)
			} else {
				nextIdx++
			}
		case res := <-done:
			inflight--
			if res.err != nil {
				firstErr = res.err
				break
			}
			if s := g.next(res.c, res.at); s != nil {
				heap.Push(&h, s)
			}
		}
	}
	close(jobs)
	if firstErr != nil {
		cancel()
	}
	go func() { wg.Wait(); close(done) }()
	for range done {
	}
	stopProgress()
	if firstErr != nil {
		return marker{}, firstErr
	}
	elapsed := time.Since(start)
	seq, hash, err := db.Head(ctx)
	if err != nil {
		return marker{}, err
	}
	st := db.WriteStats()
	m := marker{
		Version: genVersion, Comments: comments.Load(), Events: events.Load(), HeadSeq: seq, HeadHash: hash,
		BuildSecs: elapsed.Seconds(), Workers: workers, Commits: st.Commits, Sync: cmpOr(syncMode, "FULL"),
		Built: time.Now().UTC().Format(time.RFC3339),
	}
	if m.Events != seq {
		return m, fmt.Errorf("wrote %d events but the chain head is at %d", m.Events, seq)
	}
	if err := db.Close(); err != nil {
		return m, err
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(markerPath(path), append(b, '\n'), 0o644); err != nil {
		return m, err
	}
	return m, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (g *generator) do(ctx context.Context, w work) result {
	if w.step == nil {
		c, mc, e := g.newComment(w.idx)
		created, err := g.db.Intake(ctx, mc, e, moderation.Effects{})
		if err == nil && !created {
			err = fmt.Errorf("comment %d already existed", w.idx)
		}
		c.id = mc.ID
		c.events++
		return result{c: c, at: e.At, err: err}
	}
	s := w.step
	e, patch := g.event(s)
	if err := g.db.Transition(ctx, e, patch, moderation.Effects{}); err != nil {
		return result{c: s.c, err: fmt.Errorf("comment %d %s → %s (%s): %w", s.c.id, e.From, e.To, e.Route, err)}
	}
	c := s.c
	c.events++
	if s.to != c.status || s.route == moderation.RouteEdit {
		c.auto = s.auto == moderation.AutomationFull
	}
	c.status = s.to
	if s.cat != "" {
		c.flag = flagged{s.cat, s.rules}
	}
	return result{c: c, at: s.at}
}

func progress(start time.Time, comments, events *atomic.Int64, n int64) func() {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				el := time.Since(start).Seconds()
				c, e := comments.Load(), events.Load()
				log.Printf("build: %d/%d comments, %d events, %.0f comments/s, %.0f events/s", c, n, e, float64(c)/el, float64(e)/el)
			}
		}
	})
	return func() { close(stop); wg.Wait() }
}
