package moderation

import "testing"

func TestPagePolicyActsOnlyWhenVisibilityChanges(t *testing.T) {
	hide := PageActions{Refuse: ActionHide}
	hidePending := PageActions{Refuse: ActionHide, HidePending: true}
	del := PageActions{Refuse: ActionDelete}
	for _, tc := range []struct {
		name     string
		page     PageActions
		from, to Status
		route    Route
		want     PlatformActionKind
	}{
		{"refused at intake is hidden", hide, 0, StatusRefused, RouteRules, ActionHide},
		{"refused at intake is deleted when the page says so", del, 0, StatusRefused, RouteRules, ActionDelete},
		{"published at intake: nothing", hide, 0, StatusPublished, RouteRules, 0},
		{"sent to review stays visible by default", hide, 0, StatusPending, RouteRules, 0},
		{"sent to review is hidden when the page asks", hidePending, 0, StatusPending, RouteRules, ActionHide},
		{"published after a hidden review is unhidden", hidePending, StatusPending, StatusPublished, RouteReview, ActionUnhide},
		{"published after a visible review: nothing", hide, StatusPending, StatusPublished, RouteReview, 0},
		{"refused after a hidden review: already hidden", hidePending, StatusPending, StatusRefused, RouteReview, 0},
		{"refused after a visible review is hidden", hide, StatusPending, StatusRefused, RouteReview, ActionHide},
		{"reinstated is unhidden", hide, StatusRefused, StatusPublished, RouteAppeal, ActionUnhide},
		{"reinstated after a delete: nothing to show", del, StatusRefused, StatusPublished, RouteAppeal, 0},
		{"removed after publication is hidden", hide, StatusPublished, StatusRefused, RouteReport, ActionHide},
		{"an undo back to a hidden queue hides", hidePending, StatusPublished, StatusPending, RouteUndo, ActionHide},
		{"an undo of a refusal to a visible queue unhides", hide, StatusRefused, StatusPending, RouteUndo, ActionUnhide},
		{"withdrawn by its author: nothing", hide, StatusPublished, StatusWithdrawn, RoutePlatform, 0},
		{"the platform's own news: nothing", hide, StatusPublished, StatusPublished, RoutePlatform, 0},
		{"an audit confirmation: nothing", hide, StatusRefused, StatusRefused, RouteAudit, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := PagePolicy{"facebook:1": tc.page}
			c := &Comment{ID: 7, Source: "facebook:1", ExternalID: "1_2"}
			got := p.ActionsFor(c, &Event{From: tc.from, To: tc.to, Route: tc.route})
			var kind PlatformActionKind
			if len(got) == 1 {
				kind = got[0].Kind
				if got[0].ExternalID != "1_2" || got[0].CommentID != 7 || got[0].Source != "facebook:1" {
					t.Errorf("action %+v does not name the comment", got[0])
				}
			} else if len(got) > 1 {
				t.Fatalf("%d actions, want at most 1", len(got))
			}
			if kind != tc.want {
				t.Errorf("got %v, want %v", kind, tc.want)
			}
		})
	}
	if got := (PagePolicy{"facebook:1": hide}).ActionsFor(&Comment{Source: "api:x"}, &Event{To: StatusRefused, Route: RouteRules}); got != nil {
		t.Errorf("a source without a page got %v", got)
	}
}
