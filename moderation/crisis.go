package moderation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"vigie/rules"
)

// Crisis mode: one switch per page (or for all pages at once), recorded in
// the chain like every decision, so the log says who turned it on, when and
// why, and the report can say what was done meanwhile.
//
// A crisis event belongs to a page, not to a comment. It is written as:
//   - CommentID 0 (events.comment_id NULL), Route crisis;
//   - From and To both 0: there is no comment, hence no status to leave or
//     reach. The canonical form writes both as empty (not "new"), and
//     CheckChange accepts 0 → 0 on route crisis only, so no other event can
//     borrow the shape and no crisis event can carry a status;
//   - Source "page:<id>", or "page:*" for every page;
//   - Category "start" or "stop"; Note the reason (required);
//   - Actor "moderator:<id>" (an admin) or "cli"; Automation "not".
//
// While a page is in crisis its new comments are classified with the page's
// crisis ruleset (its crisis profile, or DefaultCrisisSettings), and what
// goes to review is hidden on the platform until a moderator decides.

// AllPages is the page id of a crisis declared for every page.
const AllPages = "*"

// ActorCLI is the actor of a switch made on the command line.
const ActorCLI = "cli"

// Crisis event categories.
const (
	CrisisStart = "start"
	CrisisStop  = "stop"
)

// maxCrisisReason bounds the reason: it is chained and shown publicly.
const maxCrisisReason = 1000

// CrisisSource is the event source of a page's crisis switch.
func CrisisSource(page string) string { return "page:" + page }

// checkCrisisChange is CheckChange for the shape only crisis events have:
// no status before, none after.
func checkCrisisChange(from, to Status, route Route) error {
	switch {
	case route == RouteCrisis && from == 0 && to == 0:
		return nil
	case route == RouteCrisis:
		return fmt.Errorf("crisis %s → %s: a crisis event changes no comment's status: %w", statusOrNew(from), to, ErrInvalidTransition)
	}
	return fmt.Errorf("new → unset on route %s: only a crisis event has no status: %w", route, ErrInvalidTransition)
}

// CrisisSwitch is a request to start or stop crisis mode.
type CrisisSwitch struct {
	Page   string // a configured page id, or AllPages
	Start  bool
	Actor  string
	Reason string
}

// CrisisPeriod is one crisis of a page, from its start event to its stop
// event (Stop zero: ongoing).
type CrisisPeriod struct {
	Page       string    `json:"page"`
	Start      time.Time `json:"start"`
	StartSeq   int64     `json:"start_seq"`
	StartedBy  string    `json:"started_by"`
	Reason     string    `json:"reason"`
	Stop       time.Time `json:"stop,omitzero"`
	StopSeq    int64     `json:"stop_seq,omitempty"`
	StoppedBy  string    `json:"stopped_by,omitempty"`
	StopReason string    `json:"stop_reason,omitempty"`
}

// Ongoing reports whether the crisis has not been stopped.
func (p CrisisPeriod) Ongoing() bool { return p.StopSeq == 0 }

// Covers reports whether t falls in the period (start included, stop not).
func (p CrisisPeriod) Covers(t time.Time) bool {
	return !t.Before(p.Start) && (p.Ongoing() || t.Before(p.Stop))
}

// AppliesTo reports whether the period is the page's own or every page's.
func (p CrisisPeriod) AppliesTo(page string) bool { return p.Page == page || p.Page == AllPages }

// CrisisPage reads a crisis event: the page it switches, and whether it
// starts or stops. ok is false for any other event.
func CrisisPage(e *Event) (page string, start, ok bool) {
	if e.Route != RouteCrisis {
		return "", false, false
	}
	page, found := strings.CutPrefix(e.Source, "page:")
	return page, e.Category == CrisisStart, found
}

// FoldCrisis adds one event to the periods, in log order; other events are
// ignored. A start while the page's crisis runs, or a stop without one,
// cannot be written (CheckCrisisSwitch), and is skipped if read.
func FoldCrisis(periods []CrisisPeriod, e *Event) []CrisisPeriod {
	page, start, ok := CrisisPage(e)
	if !ok {
		return periods
	}
	i := lastPeriod(periods, page)
	switch {
	case start && (i < 0 || !periods[i].Ongoing()):
		return append(periods, CrisisPeriod{Page: page, Start: e.At, StartSeq: e.Seq, StartedBy: e.Actor, Reason: e.Note})
	case !start && i >= 0 && periods[i].Ongoing():
		p := &periods[i]
		p.Stop, p.StopSeq, p.StoppedBy, p.StopReason = e.At, e.Seq, e.Actor, e.Note
	}
	return periods
}

func lastPeriod(periods []CrisisPeriod, page string) int {
	for i := len(periods) - 1; i >= 0; i-- {
		if periods[i].Page == page {
			return i
		}
	}
	return -1
}

// CheckCrisisSwitch says whether e may follow last, the page's last crisis
// event (nil: none): a start only when the page is not in crisis, a stop
// only when it is. Storage calls it under the chain head, so two processes
// cannot both start the same crisis.
func CheckCrisisSwitch(last, e *Event) error {
	page, start, _ := CrisisPage(e)
	running := false
	if last != nil {
		_, running, _ = CrisisPage(last)
	}
	name := "page " + page
	if page == AllPages {
		name = "all pages"
	}
	switch {
	case start && running:
		return Errorf(ErrConflict, "action", "crisis mode is already on for %s (since %s)", name, last.At.Format(time.RFC3339))
	case !start && !running:
		return Errorf(ErrConflict, "action", "crisis mode is not on for %s: there is nothing to stop", name)
	}
	return nil
}

// CrisisState is the crisis periods known to this process, kept current
// by polling the log (several servers share one database). Safe for
// concurrent use.
type CrisisState struct {
	mu      sync.RWMutex
	periods []CrisisPeriod
	seq     int64 // the last event applied
}

// Apply adds the crisis events after the last one applied, in log order.
func (s *CrisisState) Apply(evs []Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range evs {
		if evs[i].Seq <= s.seq {
			continue
		}
		s.periods = FoldCrisis(s.periods, &evs[i])
		s.seq = evs[i].Seq
	}
}

// Seq is the sequence number of the last crisis event applied.
func (s *CrisisState) Seq() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.seq
}

// Periods returns every period known, oldest first.
func (s *CrisisState) Periods() []CrisisPeriod {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.periods)
}

// Ongoing returns the crises in force, oldest first.
func (s *CrisisState) Ongoing() []CrisisPeriod {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []CrisisPeriod
	for _, p := range s.periods {
		if p.Ongoing() {
			out = append(out, p)
		}
	}
	return out
}

// Active reports whether the page is in crisis now (its own or all pages').
func (s *CrisisState) Active(page string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, p := range s.periods {
		if p.Ongoing() && p.AppliesTo(page) {
			return true
		}
	}
	return false
}

// ActiveAt reports whether the page was in crisis at t.
func (s *CrisisState) ActiveAt(page string, t time.Time) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, p := range s.periods {
		if p.AppliesTo(page) && p.Covers(t) {
			return true
		}
	}
	return false
}

// CrisisStore writes crisis events and reads them back.
type CrisisStore interface {
	// AppendCrisis seals e under the chain head after checking it against
	// the page's last crisis event with CheckCrisisSwitch.
	AppendCrisis(ctx context.Context, e *Event) error
	// CrisisEvents returns the crisis events with Seq > after, in order.
	CrisisEvents(ctx context.Context, after int64) ([]Event, error)
}

// Crisis is the crisis state in force in this process.
func (s *Service) Crisis() *CrisisState { return s.crisis }

// SyncCrisis reads the crisis events written since the last sync (by this
// process or another) into the state.
func (s *Service) SyncCrisis(ctx context.Context) error {
	cs, ok := s.store.(CrisisStore)
	if !ok {
		return nil
	}
	evs, err := cs.CrisisEvents(ctx, s.crisis.Seq())
	if err != nil {
		return fmt.Errorf("crisis state: %w", err)
	}
	s.crisis.Apply(evs)
	return nil
}

// SwitchCrisis starts or stops crisis mode on a page (or all pages) and
// records it in the chain. Starting twice, or stopping a page not in
// crisis, is ErrConflict.
func (s *Service) SwitchCrisis(ctx context.Context, sw CrisisSwitch) (Event, error) {
	sw.Reason = strings.TrimSpace(sw.Reason)
	switch {
	case sw.Page != AllPages && !s.pageExists(sw.Page):
		return Event{}, Errorf(ErrNotFound, "page", "there is no page %q", sw.Page)
	case sw.Actor == "":
		return Event{}, Errorf(ErrInvalid, "actor", "a crisis switch needs an actor")
	case !hasVisible(sw.Reason): // "" or only zero-width characters (canonical.go)
		return Event{}, Errorf(ErrInvalid, "reason", "give the reason for the crisis switch: it is recorded and published")
	case !printable(sw.Reason) || strings.IndexByte(sw.Reason, 0) >= 0:
		return Event{}, Errorf(ErrInvalid, "reason", "the reason must be printable text on one line")
	case utf8.RuneCountInString(sw.Reason) > maxCrisisReason:
		return Event{}, Errorf(ErrInvalid, "reason", "the reason is longer than %d characters", maxCrisisReason)
	}
	cs, ok := s.store.(CrisisStore)
	if !ok {
		return Event{}, Errorf(ErrUnavailable, "", "this store cannot record crisis events")
	}
	e := Event{At: TruncateTime(s.clock.Now()), Actor: sw.Actor, Route: RouteCrisis, Automation: AutomationNone,
		Category: CrisisStop, Note: sw.Reason, Source: CrisisSource(sw.Page)}
	if sw.Start {
		e.Category = CrisisStart
	}
	if err := e.Validate(); err != nil {
		return Event{}, err
	}
	// Which pages were in crisis, as the log has it (another process may
	// have switched some): only the pages this switch moves in or out of
	// crisis have their queue moved, so a page in two crises at once (its
	// own and every page's) is raised once, as its new comments are.
	_ = s.SyncCrisis(ctx)
	pages := s.Pages().List()
	was := s.pagesInCrisis(pages)
	if err := cs.AppendCrisis(ctx, &e); err != nil {
		return Event{}, fmt.Errorf("crisis %s %s: %w", e.Category, sw.Page, err)
	}
	// Take it at once here; other processes see it at their next sync.
	if err := s.SyncCrisis(ctx); err != nil {
		s.crisis.Apply([]Event{e})
	}
	var moved []string
	for i, in := range s.pagesInCrisis(pages) {
		if in != was[i] {
			moved = append(moved, pages[i].ID)
		}
	}
	if err := s.boostCrisisQueue(ctx, moved, sw.Start); err != nil {
		return e, fmt.Errorf("crisis %s %s recorded, but the queue was not reordered: %w", e.Category, sw.Page, err)
	}
	return e, nil
}

func (s *Service) pageExists(id string) bool {
	_, ok := s.Pages().Get(id)
	return ok
}

// rulesForIntake is the ruleset for a new comment of this source: the
// page's crisis ruleset while the page is in crisis. inCrisis is for
// crisisFirst: the page is looked up and the crisis periods scanned once
// per comment, and the ruleset and the queue's priority agree.
func (s *Service) rulesForIntake(source string) (rs *rules.Ruleset, inCrisis bool) {
	page := s.Pages().IDOf(source)
	inCrisis = s.crisis.Active(page)
	return s.RulesetFor(page, inCrisis), inCrisis
}

// CrisisHidesPending reports whether the page's crisis profile hides what
// goes to review: asked for (hide_pending), or the page has no crisis
// profile and gets the default one, which does.
func (p Page) CrisisHidesPending() bool {
	return p.Crisis.HidePending || p.Crisis.Rules.Empty()
}

// DefaultCrisisSettings is the crisis profile of a page that configures
// none: its own settings with the review threshold halved, so more goes to
// a human, and hide_pending on (CrisisHidesPending).
func DefaultCrisisSettings(s rules.Settings) rules.Settings {
	s.Thresholds.Review /= 2
	return s
}

// CrisisSettings are the settings a page is classified with in crisis:
// its crisis profile over its own overrides over the base, or the default
// crisis profile over its own settings.
func (p Page) CrisisSettings(base rules.Settings) rules.Settings {
	own := p.Rules.Apply(base)
	if p.Crisis.Rules.Empty() {
		return DefaultCrisisSettings(own)
	}
	return p.Crisis.Rules.Apply(own)
}

// crisisHid reports whether the comment was hidden as pending because its
// page was in crisis when it came in: its visibility while pending is then
// that of a hide_pending page, whatever the crisis has become since, so a
// moderator's publication unhides it.
func (s *Service) crisisHid(c *Comment) bool {
	pages := s.Pages()
	pg, _ := pages.Get(pages.IDOf(c.Source))
	at := c.ReceivedAt
	if at.IsZero() {
		at = s.clock.Now()
	}
	return pg.CrisisHidesPending() && s.crisis.ActiveAt(pg.ID, at)
}

// pendingHider is a platform policy that can answer as if the comment's
// page hid pending comments (PagePolicy).
type pendingHider interface {
	ActionsHidingPending(c *Comment, e *Event) []PlatformAction
}

// crisisActions is what the event owes the platform when crisis mode hid
// (or hides) the comment while pending; ok is false otherwise.
func (s *Service) crisisActions(c *Comment, e *Event) (acts []PlatformAction, ok bool) {
	h, isHider := s.platform.(pendingHider)
	if !isHider || !s.crisisHid(c) {
		return nil, false
	}
	return h.ActionsHidingPending(c, e), true
}

// checkPageEvent is verify's check of an event that has no comment, or a
// crisis route: only a crisis switch belongs to a page, and it always does.
func (v *verifier) checkPageEvent(e *Event) {
	switch {
	case e.Route != RouteCrisis:
		v.add(Problem{Seq: e.Seq, What: fmt.Sprintf("it has no comment but its route is %s: only a crisis event belongs to a page", e.Route)})
	case e.CommentID != 0:
		v.add(Problem{Seq: e.Seq, CommentID: e.CommentID, What: "it is a crisis event attached to a comment: a crisis switch belongs to a page"})
	default:
		if err := e.Validate(); err != nil {
			v.add(Problem{Seq: e.Seq, What: "crisis event: " + err.Error()})
		} else if _, _, ok := CrisisPage(e); !ok {
			v.add(Problem{Seq: e.Seq, What: fmt.Sprintf("crisis event with source %q: want page:<id>", e.Source)})
		}
	}
}

// CrisisPriority is added to the queue priority of a page's pending
// comments while it is in crisis: scores and urgent categories stay well
// below it, so the crisis pages come first and keep their own order.
const CrisisPriority = 1000

// crisisFirst raises a new review item of a page in crisis (inCrisis,
// from rulesForIntake).
func crisisFirst(it *ReviewItem, inCrisis bool) {
	if it != nil && inCrisis {
		it.Priority += CrisisPriority
	}
}

// QueueBooster moves the pending comments of some sources up or down the
// queue (storage.DB): the switch of a crisis moves the page's comments
// already waiting, not only those to come.
type QueueBooster interface {
	// BoostQueue adds delta to the priority of the review items in scope;
	// a negative delta applies only to items at least -delta high.
	BoostQueue(ctx context.Context, scope SourceScope, delta float64) (int64, error)
}

// pagesInCrisis reports, page by page, whether it is in crisis now.
func (s *Service) pagesInCrisis(pages []Page) []bool {
	in := make([]bool, len(pages))
	for i, pg := range pages {
		in[i] = s.crisis.Active(pg.ID)
	}
	return in
}

// boostCrisisQueue moves the waiting comments of the pages a switch put in
// crisis to the front, and back for those it took out. A failure is
// reported, not fatal: the switch is recorded, and the new comments get
// their place anyway.
func (s *Service) boostCrisisQueue(ctx context.Context, pages []string, start bool) error {
	b, ok := s.store.(QueueBooster)
	if !ok || len(pages) == 0 {
		return nil
	}
	scope := s.Pages().ScopeOfPages(pages)
	delta := float64(CrisisPriority)
	if !start {
		delta = -delta
	}
	_, err := b.BoostQueue(ctx, scope, delta)
	return err
}
