package reports

import (
	"vigie/moderation"
)

// reinstClass groups the route of a reinstatement as the spec's split does:
// the author's appeal, our own review (audit sample, moderator re-check or
// review), or an external request.
func reinstClass(r moderation.Route) uint8 {
	switch r {
	case moderation.RouteAppeal:
		return reinstAppeal
	case moderation.RouteExternal:
		return reinstExternal
	case moderation.RouteEdit, moderation.RoutePlatform, moderation.RouteRules, moderation.RouteUndo:
		// An edit that fixes a refused comment changed the content; the
		// refusal was not wrong. Neither the platform nor intake reinstate.
		return reinstNone
	}
	return reinstOwn
}

// fold applies a checked event to the comment's state, the cohort buckets of
// its receipt day and the activity buckets of the event's day.
func (ix *Index) fold(e *moderation.Event) {
	if e.Route == moderation.RouteCrisis {
		ix.foldCrisis(e) // crisis.go: a page's event, not a comment's
		return
	}
	if e.IsPurge() {
		// A purge erased personal data; it decided nothing and keeps the
		// status: no count moves (moderation/purge.go).
		return
	}
	id := e.CommentID
	if id >= int64(len(ix.comments)) {
		n := max(int64(len(ix.comments))*2, id+1, 1024)
		ix.comments = append(ix.comments, make([]cstate, n-int64(len(ix.comments)))...)
	}
	c := &ix.comments[id]
	d := ix.dayOf(e.At)
	k := eventKeys{
		cat:   ix.dicts[dimCategory].id(e.Category),
		src:   ix.dicts[dimSource].id(e.Source),
		lang:  ix.dicts[dimLanguage].id(e.Language),
		auto:  uint32(e.Automation),
		route: uint32(e.Route),
		rules: ix.combos.id(&ix.dicts[dimRule], e.RuleIDs),
	}
	var acts []int

	if e.From == 0 {
		*c = cstate{recvAt: e.At.Unix(), recvDay: d, src: k.src, page: ix.pageID(e.Source)}
		if len(ix.crises) > 0 {
			ix.crisisReceived(id, c, e.At)
		}
	} else {
		ix.addCohort(c, -1) // take the old state out; the new one goes back below
	}
	k.page = c.page // an event counts on its comment's page
	old := *c
	c.flags = flagsOf(c.flags, e)

	if e.Route == moderation.RouteAppeal {
		acts = append(acts, aAppeals)
	}
	if e.Route == moderation.RouteAudit && old.auto == uint8(moderation.AutomationFull) {
		acts = append(acts, aAuditChecks)
		if e.From != e.To {
			acts = append(acts, aAuditOverturns)
		}
	}
	if e.From == e.To {
		// An audit confirmation: counted above, the comment is unchanged.
		ix.addCohort(c, +1)
		ix.addActivity(d, k, acts)
		return
	}

	switch e.To {
	case moderation.StatusPublished:
		if cl := reinstClass(e.Route); e.From == moderation.StatusRefused && cl != reinstNone {
			acts = append(acts, aReinstated, aReinstAppeal+int(cl)-1)
			c.reinst = cl
			if old.flags&flagAutoRefused != 0 {
				// Credited to the day and dims of the automated refusal
				// it overturns, so the observed error rate for a period
				// reads "of the automated refusals made then".
				ix.addActivity(old.autoRefDay, eventKeys{
					cat: old.cat, src: old.src, lang: old.lang, auto: uint32(old.auto),
					route: uint32(old.route), rules: old.rules, page: old.page,
				}, []int{aAutoRefReinstated})
			}
		} else {
			acts = append(acts, aPublished)
		}
	case moderation.StatusRefused:
		acts = append(acts, aRefused)
		if e.From == moderation.StatusPublished {
			acts = append(acts, aRemoved)
		}
		if e.Automation == moderation.AutomationFull {
			acts = append(acts, aAutoRefused)
		}
	case moderation.StatusPending:
		acts = append(acts, aSentToReview)
	case moderation.StatusWithdrawn:
		acts = append(acts, aWithdrawn)
	}

	// Time to decision: the first human decision on a comment the rules sent
	// to review, counted on the decision's day.
	if e.From == moderation.StatusPending && e.Automation != moderation.AutomationFull &&
		(e.To == moderation.StatusPublished || e.To == moderation.StatusRefused) &&
		old.flags&flagHumanDecided == 0 {
		c.flags |= flagHumanDecided
		r := ix.day(c.page, d)
		r.ttd = append(r.ttd, int32(max(0, e.At.Unix()-c.recvAt)))
		ix.crisisDecided(id, r.ttd[len(r.ttd)-1])
	}

	c.status = e.To
	c.flags &^= flagRemovedAfterPub | flagAutoRefused
	if e.To == moderation.StatusRefused {
		if e.From == moderation.StatusPublished || old.reinst != reinstNone {
			c.flags |= flagRemovedAfterPub
		}
		if e.Automation == moderation.AutomationFull {
			c.flags |= flagAutoRefused
			c.autoRefDay = d
		}
	}
	c.auto, c.route = uint8(e.Automation), uint8(e.Route)
	if e.Category != "" {
		c.cat = k.cat
	}
	if len(e.RuleIDs) > 0 {
		c.rules = k.rules
	}
	if e.Language != "" {
		c.lang = k.lang
	}
	ix.addCohort(c, +1)
	ix.addActivity(d, k, acts)
}
