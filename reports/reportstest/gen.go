// Package reportstest generates random, legal event histories and serves
// them as a reports.EventSource, for property tests and benchmarks of the
// reports and the public page.
package reportstest

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"time"

	"vigie/moderation"
)

// Gen emits sealed events for random comment histories: each comment is
// received by the rules, then follows random allowed transitions.
type Gen struct {
	R     *rand.Rand
	Start time.Time     // first receipt
	Span  time.Duration // receipts spread over [Start, Start+Span)
	// More is the chance of one more event after each event (0.33 gives
	// about 1.5 events per comment).
	More float64
	// Purge is the chance, after each event, that the comment's personal
	// data is purged there (at most once per comment): a purge event keeps
	// the status, and decisions may follow it. Drawn from a generator of
	// its own, so the decisions of a seed are the same with or without.
	Purge float64

	purges *rand.Rand

	seq  int64
	prev string
}

// NewGen starts a generator with a fixed seed.
func NewGen(seed int64, start time.Time, span time.Duration) *Gen {
	return &Gen{R: rand.New(rand.NewSource(seed)), Start: start, Span: span, More: 0.33, prev: moderation.GenesisHash,
		Purge: 0.1, purges: rand.New(rand.NewSource(^seed))}
}

var (
	sources    = []string{"facebook:1001", "facebook:1002", "api:site"}
	languages  = []string{"fr", "fr", "fr", "en", ""}
	categories = []string{"spam", "insult", "hate", "off_topic"}
	ruleIDs    = map[string][]string{
		"spam": {"spam.link", "spam.repeat"}, "insult": {"insult.words", "insult.caps"},
		"hate": {"hate.slur"}, "off_topic": {"off.topic"},
	}
)

// Comment emits the events of comment id, in order, with increasing times.
func (g *Gen) Comment(id int64, emit func(moderation.Event) error) error {
	r := g.R
	at := g.Start.Add(time.Duration(r.Int63n(int64(g.Span))))
	src := sources[r.Intn(len(sources))]
	lang := languages[r.Intn(len(languages))]
	cat := categories[r.Intn(len(categories))]
	e := moderation.Event{CommentID: id, At: at, Actor: moderation.ActorSystem, Route: moderation.RouteRules,
		Automation: moderation.AutomationFull, Source: src, Language: lang}
	switch p := r.Float64(); {
	case p < 0.70:
		e.To = moderation.StatusPublished
	case p < 0.85:
		e.To, e.Category, e.RuleIDs = moderation.StatusRefused, cat, pickRules(r, cat)
	default:
		e.To, e.Category, e.RuleIDs = moderation.StatusPending, cat, pickRules(r, cat)
	}
	flagged(r, &e)
	purged := false
	for {
		if err := g.seal(&e, emit); err != nil {
			return err
		}
		if !purged && g.purges != nil && g.purges.Float64() < g.Purge {
			// Before any later event: those come a second or more after.
			purged = true
			p := moderation.Event{CommentID: id, At: e.At.Add(time.Millisecond), Actor: moderation.ActorSystem,
				From: e.To, To: e.To, Route: moderation.RoutePurge, Automation: moderation.AutomationFull,
				Category: e.Category, Note: "retention 180d", Source: src, Language: lang}
			if err := g.seal(&p, emit); err != nil {
				return err
			}
		}
		if r.Float64() >= g.More && e.To != moderation.StatusPending || e.To == moderation.StatusWithdrawn {
			return nil
		}
		at = at.Add(time.Duration(1+r.Int63n(int64(72*time.Hour/time.Second))) * time.Second)
		e = g.next(e.To, moderation.Event{CommentID: id, At: at, From: e.To, Source: src, Language: lang})
		if e.To == 0 {
			return nil
		}
	}
}

// flagged makes some comments criticism (a protect rule matched: the rules
// never refuse them, at most they go to review) and some copies of a
// repeated text (always reviewed), as the default packs would.
func flagged(r *rand.Rand, e *moderation.Event) {
	e.RuleIDs = slices.Clip(e.RuleIDs) // pickRules shares its slices
	if r.Intn(6) == 0 {
		e.RuleIDs = append(e.RuleIDs, criticismRules[r.Intn(len(criticismRules))])
		if e.To == moderation.StatusRefused {
			e.To = moderation.StatusPending
		}
	}
	if r.Intn(8) == 0 {
		e.RuleIDs = append(e.RuleIDs, "core.repeated")
		if e.To != moderation.StatusRefused {
			e.To, e.Category = moderation.StatusPending, "repeated"
		}
	}
}

var criticismRules = []string{"fr.criticism", "en.criticism"}

func pickRules(r *rand.Rand, cat string) []string {
	rs := ruleIDs[cat]
	if r.Intn(3) == 0 {
		return rs
	}
	return rs[:1]
}

// next picks a random allowed change from status s.
func (g *Gen) next(s moderation.Status, e moderation.Event) moderation.Event {
	r := g.R
	mod := fmt.Sprintf("moderator:%d", 1+r.Intn(5))
	cat := categories[r.Intn(len(categories))]
	set := func(to moderation.Status, actor string, route moderation.Route, auto moderation.Automation) {
		e.To, e.Actor, e.Route, e.Automation = to, actor, route, auto
		if to == moderation.StatusRefused {
			e.Category, e.RuleIDs = cat, pickRules(r, cat)
		}
	}
	p := r.Float64()
	switch s {
	case moderation.StatusPending:
		switch {
		case p < 0.5:
			set(moderation.StatusPublished, mod, moderation.RouteReview, moderation.AutomationPartial)
		case p < 0.95:
			set(moderation.StatusRefused, mod, moderation.RouteReview, moderation.AutomationPartial)
		default:
			set(moderation.StatusWithdrawn, moderation.ActorPlatform, moderation.RoutePlatform, moderation.AutomationNone)
		}
	case moderation.StatusRefused:
		routes := []moderation.Route{moderation.RouteAppeal, moderation.RouteAppeal, moderation.RouteAudit,
			moderation.RouteRecheck, moderation.RouteExternal, moderation.RouteEdit}
		switch {
		case p < 0.8:
			set(moderation.StatusPublished, mod, routes[r.Intn(len(routes))], moderation.AutomationNone)
		case p < 0.9:
			set(moderation.StatusRefused, mod, moderation.RouteAudit, moderation.AutomationNone) // audit confirms
		default:
			set(moderation.StatusWithdrawn, moderation.ActorPlatform, moderation.RoutePlatform, moderation.AutomationNone)
		}
	case moderation.StatusPublished:
		switch {
		case p < 0.4:
			set(moderation.StatusRefused, mod, moderation.RouteReport, moderation.AutomationNone)
		case p < 0.55:
			set(moderation.StatusRefused, moderation.ActorSystem, moderation.RouteEdit, moderation.AutomationFull)
		case p < 0.7:
			set(moderation.StatusRefused, mod, moderation.RouteAudit, moderation.AutomationNone)
		case p < 0.8:
			set(moderation.StatusPublished, mod, moderation.RouteAudit, moderation.AutomationNone)
		default:
			set(moderation.StatusWithdrawn, moderation.ActorPlatform, moderation.RoutePlatform, moderation.AutomationNone)
		}
	}
	return e
}

func (g *Gen) seal(e *moderation.Event, emit func(moderation.Event) error) error {
	e.At = moderation.TruncateTime(e.At)
	e.Seal(g.seq+1, g.prev)
	g.seq, g.prev = e.Seq, e.Hash
	return emit(*e)
}

// Source is an in-memory log: a reports.EventSource over a slice.
type Source struct{ Events []moderation.Event }

// EventsAfter returns up to limit events with Seq > after.
func (s *Source) EventsAfter(_ context.Context, after int64, limit int) ([]moderation.Event, error) {
	i := int(after) // Seq n sits at index n-1
	if i >= len(s.Events) {
		return nil, nil
	}
	return s.Events[i:min(len(s.Events), i+limit)], nil
}

// History generates n comments' events into a Source.
func History(seed int64, n int, start time.Time, span time.Duration) *Source {
	g := NewGen(seed, start, span)
	s := &Source{}
	for id := int64(1); id <= int64(n); id++ {
		_ = g.Comment(id, func(e moderation.Event) error { s.Events = append(s.Events, e); return nil })
	}
	return s
}
