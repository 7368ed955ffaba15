package reports

import (
	"slices"
	"strings"

	"vigie/moderation"
)

// The breakdown dimensions, in the order reports show them.
const (
	dimCategory = iota
	dimRule
	dimSource
	dimLanguage
	dimAutomation
	dimRoute
	nDims
)

var dimNames = [nDims]string{"category", "rule", "source", "language", "automation", "route"}

// dict interns the values of one dimension to small ints.
type dict struct {
	ids   map[string]uint32
	names []string
}

func (d *dict) id(s string) uint32 {
	if d.ids == nil {
		d.ids = map[string]uint32{}
	}
	if id, ok := d.ids[s]; ok {
		return id
	}
	id := uint32(len(d.names))
	d.ids[s] = id
	d.names = append(d.names, s)
	return id
}

// comboTable interns sets of rule ids, so a comment stores one int for the
// rules its latest flag matched.
type comboTable struct {
	ids  map[string]uint32
	sets [][]uint32 // rule dict ids; combo 0 is the empty set
}

func (c *comboTable) init() {
	c.ids = map[string]uint32{"": 0}
	c.sets = [][]uint32{nil}
}

func (c *comboTable) id(rules *dict, ruleIDs []string) uint32 {
	if len(ruleIDs) == 0 {
		return 0
	}
	key := strings.Join(ruleIDs, "\x00")
	if id, ok := c.ids[key]; ok {
		return id
	}
	set := make([]uint32, 0, len(ruleIDs))
	for _, r := range ruleIDs {
		if rid := rules.id(r); !slices.Contains(set, rid) {
			set = append(set, rid)
		}
	}
	id := uint32(len(c.sets))
	c.ids[key] = id
	c.sets = append(c.sets, set)
	return id
}

// Reinstatement routes, grouped as the spec asks.
const (
	reinstNone uint8 = iota
	reinstAppeal
	reinstOwn
	reinstExternal
)

const (
	flagRemovedAfterPub uint8 = 1 << iota // current refusal came from published
	flagHumanDecided                      // time to decision already recorded
	flagAutoRefused                       // current refusal was fully automated
	flagCriticism                         // the rules' latest verdict flagged criticism (criticism.go)
	flagRepeated                          // the rules' latest verdict flagged a repeated copy
)

// cstate is what the index keeps per comment: no text, no author, no ids
// from the platform — only what the figures need.
type cstate struct {
	recvAt     int64 // unix seconds of receipt
	recvDay    int32
	autoRefDay int32 // day of the current refusal when flagAutoRefused
	status     moderation.Status
	flags      uint8
	reinst     uint8 // route class of the latest reinstatement
	auto       uint8 // dims of the decision that set the current status
	route      uint8
	cat        uint32 // last category any decision gave it
	src        uint32
	lang       uint32
	rules      uint32 // combo of the last rule ids any decision gave it
	page       uint32 // the page of its source at receipt (Options.PageOf)
}

// Cohort metrics: what a comment contributes to the bucket of its receipt day.
const (
	cReceived = iota
	cPublished
	cRefusedBefore
	cRefusedAfter
	cPending
	cWithdrawn
	cReinstAppeal
	cReinstOwn
	cReinstExternal
	nCohort
)

type cohortVec [nCohort]int64

// Activity metrics: what an event contributes to the bucket of its day.
const (
	aPublished         = iota // to published, other than a reinstatement
	aRefused                  // to refused (any route)
	aRemoved                  // of which from published
	aReinstated               // refused → published by appeal, audit, re-check, external…
	aReinstAppeal             // of which by appeal
	aReinstOwn                // of which by own review (audit, re-check, review)
	aReinstExternal           // of which by external request
	aSentToReview             // new → pending
	aWithdrawn                // author deleted it
	aAppeals                  // events with route appeal
	aAuditChecks              // audit-route events on a fully automated decision
	aAuditOverturns           // of which changed the status
	aAutoRefused              // refusals fully automated
	aAutoRefReinstated        // of those, later reinstated (counted on the refusal's day)
	nActivity
)

type actVec [nActivity]int64

// dayRoll holds one local day's buckets.
type dayRoll struct {
	cohortTotal cohortVec
	cohort      [nDims][]cohortVec // by dimension value id
	actTotal    actVec
	act         [nDims][]actVec
	ttd         []int32 // seconds from receipt to human decision, decided this day
	// The criticism and campaign lines (criticism.go), cohort view.
	crit, camp      cohortVec
	critAutoRefused int64
}

func grow[T any](s *[]T, id uint32) *T {
	if int(id) >= len(*s) {
		*s = append(*s, make([]T, int(id)+1-len(*s))...)
	}
	return &(*s)[id]
}

func (ix *Index) day(page uint32, d int32) *dayRoll {
	k := dayKey{page, d}
	r := ix.days[k]
	if r == nil {
		r = &dayRoll{}
		ix.days[k] = r
	}
	return r
}

// pageID is the page of a source, interned.
func (ix *Index) pageID(source string) uint32 {
	if ix.pageOf == nil {
		return 0
	}
	return ix.pages.id(ix.pageOf(source))
}

// cohortMetrics lists the cohort metrics a comment in state c counts in.
func cohortMetrics(c *cstate, buf *[3]int) []int {
	m := buf[:0]
	m = append(m, cReceived)
	switch c.status {
	case moderation.StatusPublished:
		m = append(m, cPublished)
	case moderation.StatusRefused:
		if c.flags&flagRemovedAfterPub != 0 {
			m = append(m, cRefusedAfter)
		} else {
			m = append(m, cRefusedBefore)
		}
	case moderation.StatusPending:
		m = append(m, cPending)
	case moderation.StatusWithdrawn:
		m = append(m, cWithdrawn)
	}
	switch c.reinst {
	case reinstAppeal:
		m = append(m, cReinstAppeal)
	case reinstOwn:
		m = append(m, cReinstOwn)
	case reinstExternal:
		m = append(m, cReinstExternal)
	}
	return m
}

// addCohort adds (sign +1) or removes (-1) a comment's contribution to its
// receipt day, in the total and under each dimension value it has.
func (ix *Index) addCohort(c *cstate, sign int64) {
	var buf [3]int
	ms := cohortMetrics(c, &buf)
	r := ix.day(c.page, c.recvDay)
	add := func(v *cohortVec) {
		for _, m := range ms {
			v[m] += sign
		}
	}
	add(&r.cohortTotal)
	r.addFlagged(c, ms, sign)
	add(grow(&r.cohort[dimCategory], c.cat))
	add(grow(&r.cohort[dimSource], c.src))
	add(grow(&r.cohort[dimLanguage], c.lang))
	add(grow(&r.cohort[dimAutomation], uint32(c.auto)))
	add(grow(&r.cohort[dimRoute], uint32(c.route)))
	if set := ix.combos.sets[c.rules]; len(set) == 0 {
		add(grow(&r.cohort[dimRule], 0))
	} else {
		for _, rid := range set {
			add(grow(&r.cohort[dimRule], rid))
		}
	}
}

// eventKeys are an event's own dimension values, for the activity view.
type eventKeys struct {
	cat, src, lang, auto, route, rules uint32
	page                               uint32
}

func (ix *Index) addActivity(d int32, k eventKeys, metrics []int) {
	if len(metrics) == 0 {
		return
	}
	r := ix.day(k.page, d)
	add := func(v *actVec) {
		for _, m := range metrics {
			v[m]++
		}
	}
	add(&r.actTotal)
	add(grow(&r.act[dimCategory], k.cat))
	add(grow(&r.act[dimSource], k.src))
	add(grow(&r.act[dimLanguage], k.lang))
	add(grow(&r.act[dimAutomation], k.auto))
	add(grow(&r.act[dimRoute], k.route))
	if set := ix.combos.sets[k.rules]; len(set) == 0 {
		add(grow(&r.act[dimRule], 0))
	} else {
		for _, rid := range set {
			add(grow(&r.act[dimRule], rid))
		}
	}
}
