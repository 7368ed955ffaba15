package moderation

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"vigie/rules"
)

// Author is who wrote a comment, as the source names them. Both fields are
// personal data: a purge erases them.
type Author struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Comment is one comment as Vigie holds it now. Its history is in its events.
type Comment struct {
	ID         int64
	Source     string // where it came from: "facebook:<page id>", "api:<name>", "import:<file>"
	ExternalID string // its id at the source; (Source, ExternalID) is unique
	ThreadID   string
	ParentID   string
	Author     Author
	Text       string
	Language   string // ISO 639-1, from the verdict
	Status     Status
	Category   string         // the category of the latest decision, "" when published cleanly
	Verdict    *rules.Verdict // the latest verdict
	CreatedAt  time.Time      // when the source says it was written
	ReceivedAt time.Time      // when Vigie took it in
	UpdatedAt  time.Time
	// Salt keys the digests of the text and the author that go into the hash
	// chain. It is random per comment and erased by a purge, so a purged
	// digest cannot be reversed by guessing likely texts or names.
	Salt     []byte
	PurgedAt time.Time // zero unless personal data was erased
}

// NewComment is what an intake channel hands the pipeline.
type NewComment struct {
	Source     string
	ExternalID string
	Text       string
	Author     Author
	ThreadID   string
	ParentID   string
	CreatedAt  time.Time
}

// Limits bounds what intake accepts.
type Limits struct {
	MaxTextBytes int // the comment text, in bytes of UTF-8
	// HistoryMax is how many recent comments the flood and repeated-post
	// rules remember at most (Recent); 0: DefaultHistoryMax.
	HistoryMax int
}

// DefaultLimits are used when a Service is given none.
var DefaultLimits = Limits{MaxTextBytes: 64 << 10}

const (
	maxSourceLen = 128
	maxIDLen     = 256
	maxNameLen   = 512
)

// Validate checks an incoming comment and names the first field at fault.
func (n NewComment) Validate(l Limits) error {
	switch {
	case strings.TrimSpace(n.Source) == "":
		return Errorf(ErrInvalid, "source", "source is required")
	case len(n.Source) > maxSourceLen:
		return Errorf(ErrInvalid, "source", "source is longer than %d bytes", maxSourceLen)
	case !identifier(n.Source):
		return Errorf(ErrInvalid, "source", "source must be printable UTF-8 without control, bidi or zero-width characters")
	case strings.TrimSpace(n.ExternalID) == "":
		return Errorf(ErrInvalid, "external_id", "external_id is required")
	case len(n.ExternalID) > maxIDLen:
		return Errorf(ErrInvalid, "external_id", "external_id is longer than %d bytes", maxIDLen)
	case !identifier(n.ExternalID):
		return Errorf(ErrInvalid, "external_id", "external_id must be printable UTF-8 without control, bidi or zero-width characters")
	case !utf8.ValidString(n.Text):
		return Errorf(ErrInvalid, "text", "text is not valid UTF-8")
	case strings.IndexByte(n.Text, 0) >= 0:
		return Errorf(ErrInvalid, "text", "text contains a NUL character")
	case !hasVisible(n.Text):
		return Errorf(ErrInvalid, "text", "text is required (it is empty once invisible characters are set aside)")
	case l.MaxTextBytes > 0 && len(n.Text) > l.MaxTextBytes:
		return Errorf(ErrInvalid, "text", "text is longer than %d bytes", l.MaxTextBytes)
	case !printable(n.Author.ID) || len(n.Author.ID) > maxIDLen:
		return Errorf(ErrInvalid, "author.id", "author.id must be printable UTF-8 of at most %d bytes", maxIDLen)
	case !printable(n.Author.Name) || len(n.Author.Name) > maxNameLen:
		return Errorf(ErrInvalid, "author.name", "author.name must be printable UTF-8 of at most %d bytes", maxNameLen)
	case !printable(n.ThreadID) || len(n.ThreadID) > maxIDLen:
		return Errorf(ErrInvalid, "thread_id", "thread_id must be printable UTF-8 of at most %d bytes", maxIDLen)
	case !printable(n.ParentID) || len(n.ParentID) > maxIDLen:
		return Errorf(ErrInvalid, "parent_id", "parent_id must be printable UTF-8 of at most %d bytes", maxIDLen)
	case !n.CreatedAt.IsZero() && (n.CreatedAt.UTC().Year() < 1 || n.CreatedAt.UTC().Year() > 9999):
		// What SQLite and PostgreSQL both keep and JSON can write back: an
		// offset can push a year-0 or year-9999 time out of range in UTC.
		return Errorf(ErrInvalid, "created_at", "created_at must be between years 1 and 9999 in UTC")
	}
	return nil
}

// printable reports whether s is valid UTF-8 without control characters
// (C0, DEL and C1) or line and paragraph separators, which keeps identifiers
// and names on one line, safe to log and to show.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

// StatusFor maps a rules action to the status intake gives a new comment.
func StatusFor(a rules.Action) Status {
	switch a {
	case rules.ActionRefuse:
		return StatusRefused
	case rules.ActionReview:
		return StatusPending
	default:
		return StatusPublished
	}
}
