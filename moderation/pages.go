package moderation

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"time"

	"vigie/rules"
)

// A page is one audience Vigie moderates for (a ministry's Facebook page, a
// newsroom's comment section): its own sources, rules, moderators and
// report. A comment belongs to the page of its source; a source no page
// lists belongs to the default page, so a deployment without pages is one
// page and behaves as if pages did not exist.

// DefaultPageID is the page of every source no configured page lists.
const DefaultPageID = "default"

// Page platforms: where a page's comments come from.
var pagePlatforms = []string{"facebook", "api", "web", "other"}

var pageIDPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$`)

// Page is one configured page.
type Page struct {
	ID       string
	Name     string
	Platform string
	// Sources are the canonical sources whose comments are the page's
	// ("facebook:<page id>", "api:<name>").
	Sources []string
	// Moderators are the account names that see and decide the page's
	// comments; empty: any moderator listed on no page (see ScopeOf).
	Moderators []string
	// Rules change the base rules settings for the page's comments.
	Rules RuleOverrides
	// Crisis is the page's crisis profile: parsed and checked now, put in
	// force by crisis mode.
	Crisis CrisisProfile
}

// RuleOverrides change the base rules settings for one page. Empty fields
// keep the base.
type RuleOverrides struct {
	// Packs replace the base packs when set.
	Packs []string `yaml:"packs"`
	// Thresholds replace the base thresholds one by one.
	Thresholds ThresholdOverrides `yaml:"thresholds"`
	// Disable switches these rule ids off, besides the base's.
	Disable []string `yaml:"disable"`
}

// ThresholdOverrides are the thresholds a page sets; nil keeps the base's.
type ThresholdOverrides struct {
	Refuse *float64 `yaml:"refuse"`
	Review *float64 `yaml:"review"`
}

// CrisisProfile is what a page switches to during a crisis.
type CrisisProfile struct {
	Rules RuleOverrides `yaml:"rules"`
	// HidePending hides what goes to review until a moderator decides.
	HidePending bool `yaml:"hide_pending"`
}

// Empty reports whether the overrides change nothing.
func (o RuleOverrides) Empty() bool {
	return o.Packs == nil && o.Thresholds.Refuse == nil && o.Thresholds.Review == nil && len(o.Disable) == 0
}

// Apply returns base with the overrides applied. The slices are copied:
// the base settings are shared by every page.
func (o RuleOverrides) Apply(base rules.Settings) rules.Settings {
	out := base
	if o.Packs != nil {
		out.Packs = slices.Clone(o.Packs)
	}
	if o.Thresholds.Refuse != nil {
		out.Thresholds.Refuse = *o.Thresholds.Refuse
	}
	if o.Thresholds.Review != nil {
		out.Thresholds.Review = *o.Thresholds.Review
	}
	if len(o.Disable) > 0 {
		out.Disable = append(slices.Clone(base.Disable), o.Disable...)
	}
	return out
}

// Pages resolves sources to pages. A nil *Pages is the single default page.
type Pages struct {
	list     []Page         // configured pages, then the default page
	byID     map[string]int // index in list
	bySource map[string]int // canonical source → index in list
}

// NewPages checks the configured pages and adds the default page, named
// defaultName (an entry with id "default" names and configures it instead:
// it may list no source). Sources are put in canonical form.
func NewPages(list []Page, defaultName string) (*Pages, error) {
	p := &Pages{byID: map[string]int{}, bySource: map[string]int{}}
	def := Page{ID: DefaultPageID, Name: defaultName, Platform: "other"}
	for i, pg := range list {
		at := fmt.Sprintf("pages[%d]", i)
		if !pageIDPattern.MatchString(pg.ID) {
			return nil, Errorf(ErrInvalid, at+".id", "%q is not a page id: lowercase letters, digits and dashes (a slug), 1 to 64 characters", pg.ID)
		}
		if _, dup := p.byID[pg.ID]; dup || (pg.ID == DefaultPageID && def.ID == "") {
			return nil, Errorf(ErrInvalid, at+".id", "page %q is configured twice", pg.ID)
		}
		if pg.Platform == "" {
			pg.Platform = "other"
		}
		if !slices.Contains(pagePlatforms, pg.Platform) {
			return nil, Errorf(ErrInvalid, at+".platform", "%q is not facebook, api, web or other", pg.Platform)
		}
		if pg.Name == "" {
			pg.Name = pg.ID
		}
		if pg.ID == DefaultPageID {
			if len(pg.Sources) > 0 {
				return nil, Errorf(ErrInvalid, at+".sources", "the default page takes every source no other page lists: it lists none")
			}
			def, def.ID = pg, "" // placed last, below; "" marks it as configured
			continue
		}
		pg.Sources = slices.Clone(pg.Sources)
		for j, src := range pg.Sources {
			n := NewComment{Source: src}
			n.Canonical()
			if n.Source == "" || !printable(n.Source) || len(n.Source) > maxSourceLen {
				return nil, Errorf(ErrInvalid, fmt.Sprintf("%s.sources[%d]", at, j), "%q is not a source such as facebook:<page id> or api:<name>", src)
			}
			if other, dup := p.bySource[n.Source]; dup {
				return nil, Errorf(ErrInvalid, fmt.Sprintf("%s.sources[%d]", at, j), "source %q is listed by pages %q and %q: a source belongs to one page", n.Source, p.list[other].ID, pg.ID)
			}
			pg.Sources[j] = n.Source
			p.bySource[n.Source] = len(p.list)
		}
		p.byID[pg.ID] = len(p.list)
		p.list = append(p.list, pg)
	}
	def.ID = DefaultPageID
	p.byID[DefaultPageID] = len(p.list)
	p.list = append(p.list, def)
	return p, nil
}

// Configured reports whether any page besides the default one exists.
func (p *Pages) Configured() bool { return p != nil && len(p.list) > 1 }

// List returns every page, the default one last.
func (p *Pages) List() []Page {
	if p == nil {
		return []Page{{ID: DefaultPageID, Name: DefaultPageID, Platform: "other"}}
	}
	return slices.Clone(p.list)
}

// Get returns the page with this id.
func (p *Pages) Get(id string) (Page, bool) {
	if p == nil {
		return Page{ID: DefaultPageID, Name: DefaultPageID, Platform: "other"}, id == DefaultPageID
	}
	i, ok := p.byID[id]
	if !ok {
		return Page{}, false
	}
	return p.list[i], true
}

// IDOf is the id of the page a (canonical) source belongs to.
func (p *Pages) IDOf(source string) string {
	if p == nil {
		return DefaultPageID
	}
	if i, ok := p.bySource[source]; ok {
		return p.list[i].ID
	}
	return DefaultPageID
}

// ScopeOf is what an account sees: an admin every page; anyone else the
// pages that list them, or, listed on none, the pages that list nobody
// (so a deployment with one page, or pages without lists, needs no list).
func (p *Pages) ScopeOf(u User) SourceScope {
	if !p.Configured() || u.Role == RoleAdmin {
		return SourceScope{}
	}
	var mine, open []string
	for _, pg := range p.list {
		switch {
		case slices.Contains(pg.Moderators, u.Name):
			mine = append(mine, pg.ID)
		case len(pg.Moderators) == 0:
			open = append(open, pg.ID)
		}
	}
	if len(mine) == 0 {
		mine = open
	}
	return p.ScopeOfPages(mine)
}

// ScopeOfPages is the scope of these pages' comments.
func (p *Pages) ScopeOfPages(ids []string) SourceScope {
	sc := SourceScope{Limited: true, Sources: []string{}}
	if p == nil {
		sc.Unlisted = slices.Contains(ids, DefaultPageID)
		return sc
	}
	for _, id := range ids {
		i, ok := p.byID[id]
		if !ok {
			continue
		}
		sc.Pages = append(sc.Pages, id)
		if id == DefaultPageID {
			sc.Unlisted = true
			continue
		}
		sc.Sources = append(sc.Sources, p.list[i].Sources...)
	}
	if sc.Unlisted {
		for src := range p.bySource {
			sc.Listed = append(sc.Listed, src)
		}
		slices.Sort(sc.Listed)
	}
	return sc
}

// SourceScope limits what someone sees to some pages' sources. The zero
// value limits nothing.
type SourceScope struct {
	// Limited: only the sources below are in scope.
	Limited bool
	// Pages are the page ids in scope (for showing them).
	Pages []string
	// Sources are the listed sources in scope.
	Sources []string
	// Unlisted: the default page is in scope, that is every source that
	// is not in Listed.
	Unlisted bool
	Listed   []string
}

// Covers reports whether a comment of this (canonical) source is in scope.
func (sc SourceScope) Covers(source string) bool {
	if !sc.Limited || slices.Contains(sc.Sources, source) {
		return true
	}
	return sc.Unlisted && !slices.Contains(sc.Listed, source)
}

// Check is ErrForbidden for a comment outside the scope.
func (sc SourceScope) Check(c Comment) error {
	if sc.Covers(c.Source) {
		return nil
	}
	return Errorf(ErrForbidden, "", "comment %d belongs to a page outside your scope", c.ID)
}

// PageRules are one page's compiled rulesets: Normal for every day, Crisis
// for crisis mode (nil: the page has no crisis profile of its own).
type PageRules struct {
	Normal *rules.Ruleset
	Crisis *rules.Ruleset
}

// pageBook is the pages in force with the rulesets of those that override
// the base rules; swapped at once on reload.
type pageBook struct {
	pages *Pages
	rules map[string]PageRules
}

// Pages returns the pages in force (nil: only the default page).
func (s *Service) Pages() *Pages {
	if b := s.pages.Load(); b != nil {
		return b.pages
	}
	return nil
}

// SetPages puts pages in force with the compiled rulesets of the pages that
// override the base rules (by page id); the other pages follow the base
// ruleset, SetRules included.
func (s *Service) SetPages(p *Pages, rulesets map[string]PageRules) {
	s.pages.Store(&pageBook{pages: p, rules: rulesets})
	s.recent.SetWindow(s.HistoryWindow())
}

// RulesetFor is the ruleset a page's comments are classified with, its
// crisis profile's when crisis is on and the page has one.
func (s *Service) RulesetFor(page string, crisis bool) *rules.Ruleset {
	if b := s.pages.Load(); b != nil {
		if pr, ok := b.rules[page]; ok {
			if crisis && pr.Crisis != nil {
				return pr.Crisis
			}
			if pr.Normal != nil {
				return pr.Normal
			}
		}
	}
	return s.rules.Load()
}

// rulesForSource is the ruleset in force for a comment of this source.
func (s *Service) rulesForSource(source string) *rules.Ruleset {
	return s.RulesetFor(s.Pages().IDOf(source), false)
}

// pageWindows is the longest history window of the pages' own rulesets:
// the history is one for all pages (a campaign across pages is still one
// campaign), so it keeps what the most patient of them needs.
func (s *Service) pageWindows() time.Duration {
	var w time.Duration
	if b := s.pages.Load(); b != nil {
		for _, pr := range b.rules {
			for _, rs := range []*rules.Ruleset{pr.Normal, pr.Crisis} {
				if rs != nil {
					w = max(w, historyWindow(rs))
				}
			}
		}
	}
	return w
}

// ScopedQueueStats counts the queue of the pages in scope.
func (s *Service) ScopedQueueStats(ctx context.Context, sc SourceScope) (QueueStats, error) {
	return s.store.QueueStats(ctx, s.clock.Now(), sc)
}

// ScopedQueueGroups lists the texts waiting in several copies on the pages
// in scope, counting only the copies in scope.
func (s *Service) ScopedQueueGroups(ctx context.Context, limit int, sc SourceScope) ([]QueueGroup, error) {
	return s.store.QueueGroups(ctx, limit, sc)
}
