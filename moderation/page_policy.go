package moderation

// PageActions is what Vigie does on a page it moderates (a Facebook Page):
// comments there are public the moment they are posted, so a refusal is an
// action taken afterwards.
type PageActions struct {
	// Refuse is ActionHide (the comment stays visible to its author and
	// their friends, and can be reinstated) or ActionDelete (for good).
	Refuse PlatformActionKind
	// HidePending hides a comment sent to review until a moderator
	// decides, instead of leaving it visible meanwhile.
	HidePending bool
}

// PagePolicy is the PlatformPolicy of the pages Vigie acts on, by source
// ("facebook:<page id>"). Sources without a page get no action.
type PagePolicy map[string]PageActions

var _ PlatformPolicy = PagePolicy(nil)

// ActionsFor says what an event owes the comment's page.
func (p PagePolicy) ActionsFor(c *Comment, e *Event) []PlatformAction {
	page, ok := p[c.Source]
	if !ok {
		return nil
	}
	return actionsOn(page, c, e)
}

// ActionsHidingPending is ActionsFor on a page that hides what goes to
// review: the page's crisis mode hid the comment while pending (crisis.go).
func (p PagePolicy) ActionsHidingPending(c *Comment, e *Event) []PlatformAction {
	page, ok := p[c.Source]
	if !ok {
		return nil
	}
	page.HidePending = true
	return actionsOn(page, c, e)
}

func actionsOn(page PageActions, c *Comment, e *Event) []PlatformAction {
	if e.Route == RoutePlatform || e.From == e.To {
		// The platform's own news needs no answer, and a confirmation
		// changes nothing on the page.
		return nil
	}
	kind := pageAction(page, e.From, e.To)
	if !kind.Valid() {
		return nil
	}
	return []PlatformAction{{Kind: kind, CommentID: c.ID, Source: c.Source, ExternalID: c.ExternalID}}
}

// pageAction is the one action a change of status needs on the page, from
// whether the comment is visible there before and after.
func pageAction(page PageActions, from, to Status) PlatformActionKind {
	if to == StatusRefused {
		if page.Refuse == ActionDelete {
			return ActionDelete
		}
		if visible(page, from) {
			return ActionHide
		}
		return 0
	}
	if from == StatusRefused && page.Refuse == ActionDelete {
		return 0 // deleted for good: nothing left to show again
	}
	before, after := visible(page, from), visible(page, to)
	switch {
	case before && !after:
		return ActionHide
	case !before && after:
		return ActionUnhide
	}
	return 0
}

// visible says whether a comment in this status is visible on the page. A
// new comment (status 0) is: the platform published it before we saw it.
func visible(page PageActions, s Status) bool {
	switch s {
	case StatusRefused, StatusWithdrawn:
		return false
	case StatusPending:
		return !page.HidePending
	}
	return true
}
