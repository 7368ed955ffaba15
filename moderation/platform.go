package moderation

import "fmt"

// PlatformActionKind is what Vigie asks a platform to do with a comment it
// hosts (a Facebook Page comment is public the moment it is posted: a
// refusal there means hiding or deleting it afterwards).
type PlatformActionKind int8

const (
	ActionHide   PlatformActionKind = iota + 1 // hidden from everyone but its author and friends
	ActionUnhide                               // visible again (published after review, reinstated)
	ActionDelete                               // removed for good
)

var platformActionNames = [...]string{"", "hide", "unhide", "delete"}

func (k PlatformActionKind) String() string {
	if k < 0 || int(k) >= len(platformActionNames) {
		return fmt.Sprintf("action(%d)", int8(k))
	}
	return platformActionNames[k]
}

// Valid reports whether k is a known action.
func (k PlatformActionKind) Valid() bool { return k >= ActionHide && k <= ActionDelete }

// ParsePlatformAction reads an action name.
func ParsePlatformAction(v string) (PlatformActionKind, error) {
	for i, n := range platformActionNames {
		if i > 0 && n == v {
			return PlatformActionKind(i), nil
		}
	}
	return 0, Errorf(ErrInvalid, "action", "unknown platform action %q", v)
}

// PlatformAction is one action owed to the platform because of an event. It
// is written in the event's transaction (an outbox row) and performed later
// by a worker, so a crash between the decision and the platform call loses
// nothing and a retry never acts twice.
type PlatformAction struct {
	Kind       PlatformActionKind
	CommentID  int64 // set by the store for a comment being taken in
	Source     string
	ExternalID string
}

// PlatformPolicy says which actions an event needs on the comment's
// platform: refuse → hide or delete, pending → hide if the page asks for
// it, published after review or reinstated → unhide. Sources without a
// platform to act on (the REST API, files) get none.
type PlatformPolicy interface {
	ActionsFor(c *Comment, e *Event) []PlatformAction
}
