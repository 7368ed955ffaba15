package moderation

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"vigie/rules"
)

// Service is the moderation pipeline: intake → classify → decide → one event.
// It is safe for concurrent use; the ruleset is swapped atomically on reload.
type Service struct {
	store    Store
	clock    Clock
	limits   Limits
	rules    atomic.Pointer[rules.Ruleset]
	pages    atomic.Pointer[pageBook] // pages.go
	crisis   *CrisisState             // crisis.go
	recent   *Recent
	platform PlatformPolicy
	audit    sampler
	lease    time.Duration
	observer atomic.Pointer[Observer] // observer.go; nil: nothing is timed
}

// Options configures a Service; zero fields take defaults.
type Options struct {
	Clock  Clock
	Limits Limits
	// Platform says what each decision asks of the comment's platform;
	// nil: no source has a platform to act on.
	Platform PlatformPolicy
	// AuditRate is the share of automated decisions (refusals and
	// publications alike) drawn at random for a blind audit, in [0, 1].
	AuditRate float64
	// Random draws the audit samples, uniform in [0, 1); nil: a
	// cryptographically seeded source (a sample nobody can predict).
	Random func() float64
	// Lease is how long a claim on the review queue lasts unless renewed;
	// zero: DefaultLease.
	Lease time.Duration
	// Pages resolve sources to pages, each with its own rules (SetPages);
	// nil: one default page.
	Pages *Pages
}

// DefaultLease is how long a moderator holds a claimed comment: long enough
// to read a thread, short enough that an abandoned claim soon returns.
const DefaultLease = 5 * time.Minute

// NewService builds the pipeline over a store and a compiled ruleset.
func NewService(store Store, rs *rules.Ruleset, o Options) *Service {
	s := &Service{store: store, clock: o.Clock, limits: o.Limits, platform: o.Platform,
		audit: newSampler(o.AuditRate, o.Random), lease: o.Lease, crisis: &CrisisState{}}
	if s.lease <= 0 {
		s.lease = DefaultLease
	}
	if s.clock == nil {
		s.clock = SystemClock{}
	}
	if s.limits.MaxTextBytes == 0 {
		s.limits = DefaultLimits
	}
	s.recent = NewRecent(historyWindow(rs))
	s.recent.SetMax(s.limits.HistoryMax)
	s.rules.Store(rs)
	s.pages.Store(&pageBook{pages: o.Pages})
	return s
}

func historyWindow(rs *rules.Ruleset) time.Duration {
	a, b := rs.Windows()
	return max(a, b)
}

// Rules returns the ruleset in force.
func (s *Service) Rules() *rules.Ruleset { return s.rules.Load() }

// SetRules puts a new ruleset in force for every later comment.
func (s *Service) SetRules(rs *rules.Ruleset) {
	s.recent.SetWindow(max(historyWindow(rs), s.pageWindows()))
	s.rules.Store(rs)
}

// HistoryWindow is how far back the flood and repeated-post rules look,
// for the base rules and every page's.
func (s *Service) HistoryWindow() time.Duration {
	return max(historyWindow(s.rules.Load()), s.pageWindows())
}

// Remember feeds a stored comment into the recent history, so that after a
// restart the flood and repeated-post rules still see the last window.
func (s *Service) Remember(c Comment) {
	if c.Text == "" { // purged: nothing to compare
		return
	}
	s.recent.Add(c.ReceivedAt, AuthorKey(c.Source, c.Author.ID), rules.Fingerprint(c.Text))
}

// Limits returns the intake limits.
func (s *Service) Limits() Limits { return s.limits }

// Store returns the underlying store (for read-only queries by adapters).
func (s *Service) Store() Store { return s.store }

// IntakeResult is what intake answers.
type IntakeResult struct {
	Comment Comment
	Verdict rules.Verdict
	Created bool // false when (source, external_id) was already known
}

// Intake validates, deduplicates, classifies and stores one comment. It
// returns after the comment and its first event are committed.
func (s *Service) Intake(ctx context.Context, n NewComment) (IntakeResult, error) {
	n.Canonical()
	if err := n.Validate(s.limits); err != nil {
		return IntakeResult{}, err
	}
	// No lookup before classifying: the writer checks (source, external_id)
	// inside the transaction anyway, so a pre-check would cost every new
	// comment a query to save a few microseconds of rules on the rare repeat.
	now := TruncateTime(s.clock.Now())
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return IntakeResult{}, fmt.Errorf("intake salt: %w", err)
	}
	authorKey := AuthorKey(n.Source, n.Author.ID)
	rs, inCrisis := s.rulesForIntake(n.Source) // the page's rules, its crisis rules in a crisis (crisis.go)
	v := s.classify(rs, rules.Input{Text: n.Text, Source: n.Source, AuthorKey: authorKey, At: now})

	created := n.CreatedAt
	if created.IsZero() {
		created = now
	}
	c := Comment{
		Source: n.Source, ExternalID: n.ExternalID, ThreadID: n.ThreadID, ParentID: n.ParentID,
		Author: n.Author, Text: n.Text, Language: v.Language, Status: StatusFor(v.Action),
		Verdict: &v, CreatedAt: TruncateTime(created), ReceivedAt: now, UpdatedAt: now, Salt: salt,
	}
	if c.Status != StatusPublished {
		c.Category = v.Category
	}
	e := s.verdictEvent(&c, 0, RouteRules, ActorSystem, &v, now)
	fx := Effects{Actions: s.actionsFor(&c, e)}
	if c.Status == StatusPending {
		fx.Review = reviewItemOf(&c, &v)
		crisisFirst(fx.Review, inCrisis) // crisis.go: a page in crisis goes first
	} else {
		fx.Audit = s.audit.drawn()
	}
	ok, err := s.store.Intake(ctx, &c, e, fx)
	if err != nil {
		return IntakeResult{}, fmt.Errorf("intake: %w", err)
	}
	if !ok {
		return IntakeResult{Comment: c, Verdict: verdictOf(c), Created: false}, nil
	}
	s.recent.Add(now, authorKey, v.Fingerprint)
	return IntakeResult{Comment: c, Verdict: v, Created: true}, nil
}

// verdictEvent builds the event that applies a verdict to a comment.
func (s *Service) verdictEvent(c *Comment, from Status, route Route, actor string, v *rules.Verdict, at time.Time) *Event {
	e := &Event{
		At: at, Actor: actor, From: from, To: StatusFor(v.Action), Route: route,
		Automation: AutomationFull, RulesetVersion: v.RulesetVersion,
		Source: c.Source, Language: v.Language, Text: c.Text, Verdict: v,
		TextDigest: Digest(c.Salt, c.Text), AuthorDigest: Digest(c.Salt, c.Author.ID, c.Author.Name),
	}
	if e.To != StatusPublished {
		e.Category = v.Category
	}
	for _, m := range v.Matches {
		if !m.Shadow && !contains(e.RuleIDs, m.Rule) {
			e.RuleIDs = append(e.RuleIDs, m.Rule)
		}
	}
	return e
}

// Decision is a person's (or the platform's) change of a comment's status.
type Decision struct {
	CommentID int64
	// From is the status the decision was taken on: what the moderator
	// saw. A comment changed since then is a conflict, so two people
	// deciding the same comment at once cannot both succeed. Zero means
	// pending on the review route (the queue holds pending comments) and
	// the current status on other routes.
	From       Status
	To         Status
	Actor      string // "moderator:<id>", ActorAuthor, ActorPlatform
	Route      Route
	Automation Automation // AutomationNone unless a machine flag led to it
	Category   string     // the reason, for a refusal
	RuleIDs    []string
	Note       string
}

// maxNoteBytes bounds a moderator's note, which goes into the chain.
const maxNoteBytes = 2000

// validate checks what a person typed or a caller passed, before any read.
func (d Decision) validate() error {
	switch {
	case d.Actor == "" || len(d.Actor) > maxSourceLen || !printable(d.Actor):
		return Errorf(ErrInvalid, "actor", "actor must be printable UTF-8 of 1 to %d bytes", maxSourceLen)
	case !utf8.ValidString(d.Note) || strings.IndexByte(d.Note, 0) >= 0:
		return Errorf(ErrInvalid, "note", "note must be valid UTF-8 without NUL")
	case len(d.Note) > maxNoteBytes:
		return Errorf(ErrInvalid, "note", "note is longer than %d bytes", maxNoteBytes)
	case !d.To.Valid():
		return Errorf(ErrInvalid, "to", "unknown target status")
	}
	return nil
}

// Decide applies a decision to a comment's current status and records it,
// with what the decision owes the platform.
func (s *Service) Decide(ctx context.Context, d Decision) (Event, error) {
	return s.decide(ctx, d, Effects{})
}

// decide is Decide with the queue, appeal or audit effects of the route that
// led to it; platform actions and the queue entry of a comment put back in
// review are added here.
func (s *Service) decide(ctx context.Context, d Decision, fx Effects) (Event, error) {
	if err := d.validate(); err != nil {
		return Event{}, fmt.Errorf("decide %d: %w", d.CommentID, err)
	}
	c, err := s.store.Comment(ctx, d.CommentID)
	if err != nil {
		return Event{}, fmt.Errorf("decide %d: %w", d.CommentID, err)
	}
	if d.Automation == 0 {
		d.Automation = AutomationNone
	}
	from := d.From
	if from == 0 && d.Route == RouteReview {
		from = StatusPending
	}
	if from != 0 && from != c.Status {
		return Event{}, fmt.Errorf("decide %d: status is %s, not %s: %w", d.CommentID, c.Status, from, ErrConflict)
	}
	if err := checkProtectedRefusal(&c, d); err != nil { // criticism.go
		return Event{}, fmt.Errorf("decide %d: %w", d.CommentID, err)
	}
	if d.To == StatusPublished {
		// A publication has no reason, as for the rules' own: a category
		// sent along (a form's select always sends one) would file the
		// comment under a refusal reason nobody gave in the report.
		d.Category = ""
	}
	if d.To == StatusRefused && d.Category == "" && c.Status == StatusRefused {
		// A refusal upheld (appeal rejected, audit confirmed) keeps its
		// reason; an empty one would erase it from the comment.
		d.Category = c.Category
	} else if d.To == StatusRefused {
		// Every refusal is published with its reason, which must be one of
		// the policy's categories.
		if d.Category == "" {
			return Event{}, fmt.Errorf("decide %d: %w", d.CommentID, Errorf(ErrInvalid, "category", "a refusal needs a category of the moderation policy"))
		}
		if _, ok := s.rulesForSource(c.Source).Category(d.Category); !ok {
			return Event{}, fmt.Errorf("decide %d: %w", d.CommentID, Errorf(ErrInvalid, "category", "category %q is not in the moderation policy", d.Category))
		}
	}
	e := Event{
		CommentID: c.ID, At: TruncateTime(s.clock.Now()), Actor: d.Actor, From: c.Status, To: d.To,
		Route: d.Route, Automation: d.Automation, Category: d.Category, RuleIDs: d.RuleIDs, Note: d.Note,
		Source: c.Source, Language: c.Language, Text: c.Text,
		TextDigest: Digest(c.Salt, c.Text), AuthorDigest: Digest(c.Salt, c.Author.ID, c.Author.Name),
	}
	if c.Verdict != nil {
		e.RulesetVersion = c.Verdict.RulesetVersion
	}
	if err := e.Validate(); err != nil {
		return Event{}, fmt.Errorf("decide %d: %w", d.CommentID, err)
	}
	fx.Actions = s.actionsFor(&c, &e)
	if e.To == StatusPending && e.From != StatusPending {
		// Only a comment that becomes pending enters the queue: one that
		// stays pending (the platform's news of it) is there already.
		fx.Review = reviewItemOf(&c, c.Verdict)
	}
	if err := s.store.Transition(ctx, &e, nil, fx); err != nil {
		return Event{}, fmt.Errorf("decide %d: %w", d.CommentID, err)
	}
	return e, nil
}

// actionsFor asks the platform policy what the event owes the platform.
func (s *Service) actionsFor(c *Comment, e *Event) []PlatformAction {
	if s.platform == nil {
		return nil
	}
	if acts, ok := s.crisisActions(c, e); ok {
		return acts
	}
	return s.platform.ActionsFor(c, e)
}

// AuthorKey is how the rules know an author: "<source>:<author id>", or ""
// when the source gave no id. It links one author's comments for flood rules
// and is what `rules.authors.allow/deny` lists; it lives only in memory.
func AuthorKey(source, authorID string) string {
	if authorID == "" {
		return ""
	}
	return source + ":" + authorID
}

func verdictOf(c Comment) rules.Verdict {
	if c.Verdict != nil {
		return *c.Verdict
	}
	return rules.Verdict{}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// Now is the service's clock, for adapters that show leases and ages.
func (s *Service) Now() time.Time { return s.clock.Now() }
