package storage

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"vigie/moderation"
)

// The gorm models mirror migration 1 column for column. They stay private:
// the rest of Vigie sees moderation types only. Enums are stored by name
// ("published", "review") so the tables read well in any SQL shell and do
// not depend on the order of Go constants.

const chainHeadID = 1

type chainHeadRow struct {
	ID   int64 `gorm:"primaryKey"`
	Seq  int64
	Hash string
}

func (chainHeadRow) TableName() string { return "chain_head" }

type commentRow struct {
	ID         int64 `gorm:"primaryKey"`
	Source     string
	ExternalID string `gorm:"column:external_id"`
	ThreadID   string `gorm:"column:thread_id"`
	ParentID   string `gorm:"column:parent_id"`
	AuthorID   string `gorm:"column:author_id"`
	AuthorName string
	Text       string
	Language   string
	Status     string
	Category   string
	Verdict    *string // JSON; NULL when there is none
	// The times are ours to set: gorm must not stamp them with its clock.
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
	ReceivedAt time.Time
	UpdatedAt  time.Time `gorm:"autoUpdateTime:false"`
	Salt       []byte
	PurgedAt   *time.Time
}

func (commentRow) TableName() string { return "comments" }

type eventRow struct {
	Seq            int64      `gorm:"primaryKey;autoIncrement:false"`
	CommentID      commentRef `gorm:"column:comment_id"` // NULL for a page's event (crisis.go)
	At             time.Time
	Actor          string
	FromStatus     string
	ToStatus       string
	Route          string
	Automation     string
	Category       string
	RuleIDs        string `gorm:"column:rule_ids"` // JSON array, "" when none
	RulesetVersion string
	Note           string
	Source         string
	Language       string
	TextDigest     string
	AuthorDigest   string
	PrevHash       string
	Hash           string
	VerdictDigest  string  // chained when not empty (migration 8)
	Text           *string // snapshot; NULL after a purge
	Verdict        *string // JSON snapshot
}

func (eventRow) TableName() string { return "events" }

func toCommentRow(c *moderation.Comment) (commentRow, error) {
	if !c.Status.Valid() {
		return commentRow{}, moderation.Errorf(moderation.ErrInvalid, "status", "comment has no valid status (%d)", c.Status)
	}
	v, err := encodeVerdict(c.Verdict)
	if err != nil {
		return commentRow{}, err
	}
	r := commentRow{
		ID: c.ID, Source: c.Source, ExternalID: c.ExternalID, ThreadID: c.ThreadID, ParentID: c.ParentID,
		AuthorID: c.Author.ID, AuthorName: c.Author.Name, Text: c.Text, Language: c.Language,
		Status: c.Status.String(), Category: c.Category, Verdict: v,
		CreatedAt: moderation.TruncateTime(c.CreatedAt), ReceivedAt: moderation.TruncateTime(c.ReceivedAt),
		UpdatedAt: moderation.TruncateTime(c.UpdatedAt),
	}
	if len(c.Salt) > 0 {
		r.Salt = c.Salt
	}
	if !c.PurgedAt.IsZero() {
		t := moderation.TruncateTime(c.PurgedAt)
		r.PurgedAt = &t
	}
	return r, nil
}

func (r *commentRow) toDomain() (moderation.Comment, error) {
	st, err := moderation.ParseStatus(r.Status)
	if err != nil {
		return moderation.Comment{}, fmt.Errorf("comment %d: %w", r.ID, err)
	}
	v, err := decodeVerdict(r.Verdict)
	if err != nil {
		return moderation.Comment{}, fmt.Errorf("comment %d: %w", r.ID, err)
	}
	c := moderation.Comment{
		ID: r.ID, Source: r.Source, ExternalID: r.ExternalID, ThreadID: r.ThreadID, ParentID: r.ParentID,
		Author: moderation.Author{ID: r.AuthorID, Name: r.AuthorName}, Text: r.Text, Language: r.Language,
		Status: st, Category: r.Category, Verdict: v,
		CreatedAt: moderation.TruncateTime(r.CreatedAt), ReceivedAt: moderation.TruncateTime(r.ReceivedAt),
		UpdatedAt: moderation.TruncateTime(r.UpdatedAt), Salt: r.Salt,
	}
	if r.PurgedAt != nil {
		c.PurgedAt = moderation.TruncateTime(*r.PurgedAt)
	}
	return c, nil
}

// eventRowOf converts a sealed event; its verdict snapshot comes encoded.
func eventRowOf(e *moderation.Event, verdict *string) eventRow {
	ids := ""
	if len(e.RuleIDs) > 0 {
		b, _ := json.Marshal(e.RuleIDs) // a []string always encodes
		ids = string(b)
	}
	text := e.Text
	return eventRow{
		Seq: e.Seq, CommentID: commentRef(e.CommentID), At: moderation.TruncateTime(e.At), Actor: e.Actor,
		FromStatus: eventFromStatus(e), ToStatus: e.To.String(), Route: e.Route.String(),
		Automation: e.Automation.String(), Category: e.Category, RuleIDs: ids,
		RulesetVersion: e.RulesetVersion, Note: e.Note, Source: e.Source, Language: e.Language,
		TextDigest: e.TextDigest, AuthorDigest: e.AuthorDigest, PrevHash: e.PrevHash, Hash: e.Hash,
		VerdictDigest: e.VerdictDigest, Text: &text, Verdict: verdict,
	}
}

// toDomain reads a stored event. A value that does not parse is reported
// with the event's sequence number: for `vigie verify` that is a tampered
// event as surely as a wrong hash.
func (r *eventRow) toDomain() (moderation.Event, error) {
	e := moderation.Event{
		Seq: r.Seq, CommentID: int64(r.CommentID), At: moderation.TruncateTime(r.At), Actor: r.Actor,
		Category: r.Category, RulesetVersion: r.RulesetVersion, Note: r.Note, Source: r.Source,
		Language: r.Language, TextDigest: r.TextDigest, AuthorDigest: r.AuthorDigest,
		PrevHash: r.PrevHash, Hash: r.Hash, VerdictDigest: r.VerdictDigest,
	}
	var err error
	if r.FromStatus != "new" && r.FromStatus != "" { // "": a page's event has no status (crisis.go)
		if e.From, err = moderation.ParseStatus(r.FromStatus); err != nil {
			return e, fmt.Errorf("event %d: %w", r.Seq, err)
		}
	}
	if r.ToStatus != "" || r.CommentID != 0 {
		if e.To, err = moderation.ParseStatus(r.ToStatus); err != nil {
			return e, fmt.Errorf("event %d: %w", r.Seq, err)
		}
	}
	if e.Route, err = moderation.ParseRoute(r.Route); err != nil {
		return e, fmt.Errorf("event %d: %w", r.Seq, err)
	}
	if e.Automation, err = moderation.ParseAutomation(r.Automation); err != nil {
		return e, fmt.Errorf("event %d: %w", r.Seq, err)
	}
	if r.RuleIDs != "" {
		if err := json.Unmarshal([]byte(r.RuleIDs), &e.RuleIDs); err != nil {
			return e, fmt.Errorf("event %d: rule_ids: %w", r.Seq, err)
		}
	}
	if r.Text != nil {
		e.Text = *r.Text
	}
	if e.Verdict, err = decodeVerdict(r.Verdict); err != nil {
		return e, fmt.Errorf("event %d: %w", r.Seq, err)
	}
	return e, nil
}

// eventFromStatus is the stored from_status: a page's event (no comment:
// crisis.go) has no status, "" as in the canonical form.
func eventFromStatus(e *moderation.Event) string {
	if e.Route == moderation.RouteCrisis {
		return ""
	}
	return fromStatusName(e.From)
}

// fromStatusName writes the zero status as "new", the word the hash chain's
// canonical form uses for it.
func fromStatusName(s moderation.Status) string {
	if s == 0 {
		return "new"
	}
	return s.String()
}

// The verdict's stored form is the domain's (moderation.EncodeVerdict).
var (
	encodeVerdict = moderation.EncodeVerdict
	decodeVerdict = moderation.DecodeVerdict
)

// The hot path inserts with explicit statements: gorm's Create reflects over
// the model on every row, on the one writer goroutine all intake waits for.
// The column lists match the models above and migration 1.
const (
	insertCommentsPrefix = `INSERT INTO comments (source, external_id, thread_id, parent_id, author_id,
		author_name, text, language, status, category, verdict, created_at, received_at, updated_at,
		salt, purged_at) VALUES `
	commentTuple        = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	onConflictDoNothing = ` ON CONFLICT (source, external_id) DO NOTHING`
	insertEventsPrefix  = `INSERT INTO events (seq, comment_id, at, actor, from_status, to_status, route,
		automation, category, rule_ids, ruleset_version, note, source, language, text_digest,
		author_digest, prev_hash, hash, text, verdict, verdict_digest) VALUES `
	eventTuple = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// commentColumns is the number of values per comments row.
const commentColumns = 16

// insertCommentsSQL inserts n comments in one statement, skipping those
// whose (source, external_id) exists.
func insertCommentsSQL(n int) string {
	return insertCommentsPrefix + strings.Repeat(commentTuple+", ", n-1) + commentTuple + onConflictDoNothing
}

// insertEventsSQL inserts n events in one statement.
func insertEventsSQL(n int) string {
	return insertEventsPrefix + strings.Repeat(eventTuple+", ", n-1) + eventTuple
}

func (r *commentRow) insertArgs() []any {
	var salt any // NULL, not an empty blob, when there is none
	if len(r.Salt) > 0 {
		salt = r.Salt
	}
	return []any{r.Source, r.ExternalID, r.ThreadID, r.ParentID, r.AuthorID, r.AuthorName, r.Text,
		r.Language, r.Status, r.Category, r.Verdict, r.CreatedAt, r.ReceivedAt, r.UpdatedAt, salt, r.PurgedAt}
}

func (r *eventRow) insertArgs() []any {
	return []any{r.Seq, r.CommentID, r.At, r.Actor, r.FromStatus, r.ToStatus, r.Route, r.Automation,
		r.Category, r.RuleIDs, r.RulesetVersion, r.Note, r.Source, r.Language, r.TextDigest,
		r.AuthorDigest, r.PrevHash, r.Hash, r.Text, r.Verdict, r.VerdictDigest}
}
