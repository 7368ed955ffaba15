// Package moderation is Vigie's domain: comments, their statuses, the events
// that record every change, and the pipeline that turns a rules verdict into a
// status change plus an event. It knows nothing of HTTP or SQL; the adapters
// (storage, api) depend on it, never the other way round.
package moderation

import (
	"fmt"
	"strings"
)

// Status is where a comment stands. The zero value means "unset", so a
// forgotten assignment is caught by Validate rather than read as a status.
type Status int8

const (
	StatusPending   Status = iota + 1 // waiting for a human
	StatusPublished                   // visible after a decision
	StatusRefused                     // refused or removed
	StatusWithdrawn                   // deleted by its author on the platform
)

var statusNames = [...]string{"", "pending", "published", "refused", "withdrawn"}

func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return fmt.Sprintf("status(%d)", int8(s))
	}
	return statusNames[s]
}

// Valid reports whether s is one of the four statuses.
func (s Status) Valid() bool { return s >= StatusPending && s <= StatusWithdrawn }

// ParseStatus reads a status name.
func ParseStatus(v string) (Status, error) {
	for i, n := range statusNames {
		if i > 0 && n == strings.ToLower(v) {
			return Status(i), nil
		}
	}
	return 0, Errorf(ErrInvalid, "status", "unknown status %q", v)
}

func (s Status) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return []byte(""), nil
	}
	return []byte(s.String()), nil
}

func (s *Status) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*s = 0
		return nil
	}
	v, err := ParseStatus(string(b))
	*s = v
	return err
}

// Route is the path by which a change happened.
type Route int8

const (
	RouteRules    Route = iota + 1 // automated rules verdict at intake
	RouteReview                    // moderator decision on the review queue
	RouteAppeal                    // the author's appeal
	RouteAudit                     // blind audit sample of automated decisions
	RouteReport                    // a later report (flag) about a published comment
	RouteEdit                      // the author edited the comment and it was judged again
	RoutePlatform                  // the platform told us (author deleted it)
	RouteRecheck                   // own re-review by a moderator (not an audit sample)
	RouteExternal                  // external request (authority, trusted flagger)
	RouteUndo                      // a moderator took back their own decision within seconds
	RouteCrisis                    // crisis mode started or stopped on a page (no comment: moderation/crisis.go)
	RoutePurge                     // retention erased the comment's personal data; no status changes (moderation/purge.go)
)

var routeNames = [...]string{"", "rules", "review", "appeal", "audit", "report", "edit", "platform", "recheck", "external", "undo", "crisis", "purge"}

func (r Route) String() string {
	if r < 0 || int(r) >= len(routeNames) {
		return fmt.Sprintf("route(%d)", int8(r))
	}
	return routeNames[r]
}

// Valid reports whether r is a known route.
func (r Route) Valid() bool { return r >= RouteRules && int(r) < len(routeNames) }

// ParseRoute reads a route name.
func ParseRoute(v string) (Route, error) {
	for i, n := range routeNames {
		if i > 0 && n == v {
			return Route(i), nil
		}
	}
	return 0, Errorf(ErrInvalid, "route", "unknown route %q", v)
}

func (r Route) MarshalText() ([]byte, error) { return []byte(r.String()), nil }
func (r *Route) UnmarshalText(b []byte) error {
	v, err := ParseRoute(string(b))
	*r = v
	return err
}

// Automation says how much a human took part in a decision (DSA art. 17).
type Automation int8

const (
	AutomationFull    Automation = iota + 1 // rules verdict applied directly
	AutomationPartial                       // a human decided on a machine's flag
	AutomationNone                          // a human decided on their own
)

var automationNames = [...]string{"", "fully", "partially", "not"}

func (a Automation) String() string {
	if a < 0 || int(a) >= len(automationNames) {
		return fmt.Sprintf("automation(%d)", int8(a))
	}
	return automationNames[a]
}

// Valid reports whether a is a known automation level.
func (a Automation) Valid() bool { return a >= AutomationFull && a <= AutomationNone }

// ParseAutomation reads an automation name.
func ParseAutomation(v string) (Automation, error) {
	for i, n := range automationNames {
		if i > 0 && n == v {
			return Automation(i), nil
		}
	}
	return 0, Errorf(ErrInvalid, "automation", "unknown automation %q", v)
}

func (a Automation) MarshalText() ([]byte, error) { return []byte(a.String()), nil }
func (a *Automation) UnmarshalText(b []byte) error {
	v, err := ParseAutomation(string(b))
	*a = v
	return err
}

// transitions lists the allowed status changes (DESIGN.md, Domain). The zero
// status stands for "new": the first event of every comment comes from it.
var transitions = map[Status][]Status{
	0:               {StatusPublished, StatusRefused, StatusPending},
	StatusPending:   {StatusPublished, StatusRefused, StatusWithdrawn},
	StatusRefused:   {StatusPublished, StatusWithdrawn},
	StatusPublished: {StatusRefused, StatusWithdrawn},
	StatusWithdrawn: {},
}

// CanTransition reports whether a comment may go from one status to another.
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Confirms reports whether a route may record an event that keeps the
// status: a review that upheld the decision (an audit sample, an appeal, a
// moderator's re-check), an edit judged again with the same outcome, or the
// platform telling us someone hid or unhid the comment there. Such an event
// changes no status count, but the audit-based error estimate and the
// appeal figures need to see every decided case, not only reversals, and
// the log should show what happened on the page.
func (r Route) Confirms() bool {
	switch r {
	case RouteAudit, RouteAppeal, RouteRecheck, RouteEdit, RoutePlatform:
		return true
	}
	return false
}

// CheckChange is CheckTransition extended with confirmations: from == to is
// allowed on a route that Confirms, for an existing comment.
//
// An undo puts a decided comment back in the queue: only route undo may go
// from published or refused back to pending (Service.Undo checks that it is
// the actor's own decision, seconds old).
func CheckChange(from, to Status, route Route) error {
	if route == RouteCrisis || (from == 0 && to == 0) {
		return checkCrisisChange(from, to, route) // crisis.go
	}
	if route == RoutePurge {
		return checkPurgeChange(from, to) // purge.go
	}
	if from == to && from.Valid() && from != StatusWithdrawn && route.Confirms() {
		return nil
	}
	if route == RouteUndo {
		if to == StatusPending && (from == StatusPublished || from == StatusRefused) {
			return nil
		}
		return fmt.Errorf("undo %s → %s: %w", statusOrNew(from), to, ErrInvalidTransition)
	}
	return CheckTransition(from, to)
}

// CheckTransition returns ErrInvalidTransition wrapped with the two statuses
// when the change is not allowed.
func CheckTransition(from, to Status) error {
	if !CanTransition(from, to) {
		name := from.String()
		if from == 0 {
			name = "new"
		}
		return fmt.Errorf("%s → %s: %w", name, to, ErrInvalidTransition)
	}
	return nil
}
