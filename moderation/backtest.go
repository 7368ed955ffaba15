package moderation

import (
	"context"
	"fmt"
	"sort"
	"time"

	"vigie/rules"
)

// BacktestSource is what a replay reads: every stored comment, in pages,
// and each one's events (for the moderators' final word).
type BacktestSource interface {
	Comments(ctx context.Context, afterID int64, limit int) ([]Comment, error)
	Events(ctx context.Context, commentID int64) ([]Event, error)
}

// Backtest is what a candidate ruleset would have changed on stored
// comments, and how both rulesets agree with the moderators.
type Backtest struct {
	Current, Candidate string // ruleset versions
	Total              int    // comments replayed
	Changes            []BacktestChange
	// Agreement with human decisions: [0] the current rules, [1] the candidate.
	Human [2]Agreement
}

// BacktestChange is one kind of status change and a few examples.
type BacktestChange struct {
	From, To Status
	Count    int
	Samples  []BacktestSample
}

// BacktestSample is one comment whose status would change.
type BacktestSample struct {
	CommentID int64
	Text      string
	Rules     []string
}

// Agreement counts refusals against the moderators' final word.
type Agreement struct{ TP, FP, FN, TN int }

// N is how many comments a moderator decided.
func (a Agreement) N() int { return a.TP + a.FP + a.FN + a.TN }

func (a *Agreement) add(machineRefuses, humanRefused bool) {
	switch {
	case machineRefuses && humanRefused:
		a.TP++
	case machineRefuses:
		a.FP++
	case humanRefused:
		a.FN++
	default:
		a.TN++
	}
}

// RunBacktest replays the comments received since a time (zero: all)
// through both rulesets. Each ruleset keeps its own recent history, fed in
// receipt order, so flood and repeated-post rules replay faithfully.
// Purged comments have no text to judge and are left out.
func RunBacktest(ctx context.Context, src BacktestSource, cur, cand *rules.Ruleset, since time.Time, samples int) (*Backtest, error) {
	r := newReplay(cur, cand, samples)
	var after int64
	for {
		cs, err := src.Comments(ctx, after, 2000)
		if err != nil {
			return nil, fmt.Errorf("backtest: %w", err)
		}
		if len(cs) == 0 {
			break
		}
		after = cs[len(cs)-1].ID
		for _, c := range cs {
			if c.ReceivedAt.Before(since) || !c.PurgedAt.IsZero() {
				continue
			}
			evs, err := src.Events(ctx, c.ID)
			if err != nil {
				return nil, fmt.Errorf("backtest: %w", err)
			}
			r.add(c, evs)
		}
	}
	return r.result(), nil
}

type replay struct {
	current, cand         *rules.Ruleset
	curRecent, candRecent *Recent
	samples               int
	out                   Backtest
	changes               map[[2]Status]*BacktestChange
}

func newReplay(cur, cand *rules.Ruleset, samples int) *replay {
	return &replay{current: cur, cand: cand, curRecent: NewRecent(historyWindow(cur)), candRecent: NewRecent(historyWindow(cand)),
		samples: samples, out: Backtest{Current: cur.Version(), Candidate: cand.Version()}, changes: map[[2]Status]*BacktestChange{}}
}

func (r *replay) add(c Comment, evs []Event) {
	key := AuthorKey(c.Source, c.Author.ID)
	in := rules.Input{Text: c.Text, Source: c.Source, AuthorKey: key, At: c.ReceivedAt}
	cur := r.current.Classify(in, r.curRecent)
	v := r.cand.Classify(in, r.candRecent)
	was, would := StatusFor(cur.Action), StatusFor(v.Action)
	r.curRecent.Add(c.ReceivedAt, key, cur.Fingerprint)
	r.candRecent.Add(c.ReceivedAt, key, v.Fingerprint)
	r.out.Total++
	if was != would {
		k := [2]Status{was, would}
		ch := r.changes[k]
		if ch == nil {
			ch = &BacktestChange{From: was, To: would}
			r.changes[k] = ch
		}
		ch.Count++
		if len(ch.Samples) < r.samples {
			s := BacktestSample{CommentID: c.ID, Text: c.Text}
			for _, m := range v.Matches {
				s.Rules = append(s.Rules, m.Rule)
			}
			ch.Samples = append(ch.Samples, s)
		}
	}
	// The moderators' final word: the last status a person set.
	var human Status
	for _, e := range evs {
		if e.Automation != AutomationFull && (e.To == StatusPublished || e.To == StatusRefused) {
			human = e.To
		}
	}
	if human != 0 {
		refused := human == StatusRefused
		r.out.Human[0].add(was == StatusRefused, refused)
		r.out.Human[1].add(would == StatusRefused, refused)
	}
}

func (r *replay) result() *Backtest {
	for _, ch := range r.changes {
		r.out.Changes = append(r.out.Changes, *ch)
	}
	sort.Slice(r.out.Changes, func(i, j int) bool {
		a, b := r.out.Changes[i], r.out.Changes[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.From < b.From || (a.From == b.From && a.To < b.To)
	})
	return &r.out
}
