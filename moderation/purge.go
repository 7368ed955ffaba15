package moderation

import (
	"fmt"
	"time"
)

// A purge erases a comment's personal data (text, author, salt, the texts
// its verdicts quote) after the retention period. It is recorded like every
// other change: one chained event per purged comment, written in the
// transaction that erases it, so the log says which comments were purged,
// when and under which rule, and `vigie verify` can tell a purge from an
// erasure done by hand.
//
// A purge event is not a moderation decision: it keeps the comment's status
// (From == To), carries its category, source and language unchanged, and
// reports count nothing for it. Its text and author digests are empty: the
// event records that nothing remains to digest, and with the salt gone no
// digest could be checked anyway. The digests of the events before it stay
// as they were, so every hash still verifies.

// PurgeBy says who purges and under which rule; the rule becomes the
// event's note ("retention 180d").
type PurgeBy struct {
	Actor string // ActorSystem for the daily retention purge
	Note  string
}

// RetentionPurge is the PurgeBy of a purge of comments older than age (as
// configured or given: "180d"); how names the way it ran ("" for the daily
// purge, "vigie purge" for the command).
func RetentionPurge(age, how string) PurgeBy {
	note := "retention " + age
	if how != "" {
		note += " (" + how + ")"
	}
	return PurgeBy{Actor: ActorSystem, Note: note}
}

// DefaultPurgeNote names a purge given only its cut-off time.
func DefaultPurgeNote(before time.Time) string {
	return "retention: received before " + before.UTC().Format(time.RFC3339)
}

// PurgeEvent is the event that records the purge of c at the given time.
// The caller seals it in the transaction that erases c.
func PurgeEvent(c *Comment, at time.Time, by PurgeBy) Event {
	return Event{
		CommentID: c.ID, At: TruncateTime(at), Actor: by.Actor,
		From: c.Status, To: c.Status, Route: RoutePurge, Automation: AutomationFull,
		Category: c.Category, Note: by.Note, Source: c.Source, Language: c.Language,
	}
}

// IsPurge reports whether e records a purge.
func (e *Event) IsPurge() bool { return e.Route == RoutePurge }

// checkPurgeChange allows exactly a status kept: a purge changes no status,
// whatever the status (a withdrawn comment's data is purged too).
func checkPurgeChange(from, to Status) error {
	if from == to && from.Valid() {
		return nil
	}
	return fmt.Errorf("purge %s → %s (a purge keeps the status): %w", statusOrNew(from), to, ErrInvalidTransition)
}
