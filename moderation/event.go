package moderation

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"vigie/rules"
)

// GenesisHash is the "previous hash" of the first event of a log.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Actors that are not a person. A moderator is "moderator:<id>".
const (
	ActorSystem   = "system"
	ActorAuthor   = "author"
	ActorPlatform = "platform"
)

// Event is one status change. Events are appended, never updated or deleted;
// each carries the hash of the one before it, so the log can be checked.
type Event struct {
	Seq            int64 // 1, 2, 3… in commit order, no gaps
	CommentID      int64
	At             time.Time // UTC, microsecond precision (what every database keeps)
	Actor          string
	From           Status // 0 for the first event of a comment
	To             Status
	Route          Route
	Automation     Automation
	Category       string
	RuleIDs        []string
	RulesetVersion string
	Note           string // free text from a moderator; never personal data of the author
	Source         string // copied from the comment so reports need only the log
	Language       string
	// Salted digests of the judged text and the author: chained instead of
	// the values, so erasing the values (a purge) leaves every hash valid.
	TextDigest   string
	AuthorDigest string
	// VerdictDigest is VerdictDigest(Verdict), set by Seal: it chains the
	// verdict snapshot, which the row stores beside the chained columns.
	// Empty for an event without a verdict and for events sealed before it
	// existed; an empty digest stays out of the canonical form, so those
	// events keep their hash.
	VerdictDigest string
	PrevHash      string
	Hash          string

	// The snapshot of what was judged. Not part of the chain; erased by a purge.
	Text    string
	Verdict *rules.Verdict
}

// Validate checks an event before it is written.
func (e *Event) Validate() error {
	switch {
	case e.CommentID < 0, e.CommentID == 0 && e.Route != RouteCrisis:
		return Errorf(ErrInvalid, "comment_id", "event has no comment")
	case e.CommentID > 0 && e.Route == RouteCrisis:
		return Errorf(ErrInvalid, "comment_id", "a crisis event belongs to a page, not to a comment")
	case e.Route == RouteCrisis && strings.TrimSpace(e.Note) == "":
		return Errorf(ErrInvalid, "reason", "a crisis event needs a reason")
	case e.Route == RouteCrisis && e.Category != CrisisStart && e.Category != CrisisStop:
		return Errorf(ErrInvalid, "action", "a crisis event starts or stops, not %q", e.Category)
	case e.At.IsZero():
		return Errorf(ErrInvalid, "at", "event has no time")
	case e.Actor == "":
		return Errorf(ErrInvalid, "actor", "event has no actor")
	case !e.Route.Valid():
		return Errorf(ErrInvalid, "route", "event has no route")
	case !e.Automation.Valid():
		return Errorf(ErrInvalid, "automation", "event has no automation level")
	}
	return CheckChange(e.From, e.To, e.Route)
}

// Canonical is the byte string the event's hash covers: every chained field,
// each written as "name=len:value\n" so no choice of values can make two
// different events encode alike.
func (e *Event) Canonical() []byte { return e.appendCanonical(nil) }

// appendCanonical appends the canonical form to dst. It builds bytes, not
// strings, because verify and the report index rehash every event.
func (e *Event) appendCanonical(b []byte) []byte {
	field := func(name, v string) { b = appendField(b, name, v) }
	var num [20]byte
	var at [40]byte
	field("v", "1")
	field("seq", string(strconv.AppendInt(num[:0], e.Seq, 10)))
	field("comment", string(strconv.AppendInt(num[:0], e.CommentID, 10)))
	field("at", string(e.At.UTC().AppendFormat(at[:0], time.RFC3339Nano)))
	field("actor", e.Actor)
	// A page's event (route crisis) has no comment, hence no status: both
	// are written empty, not "new", which would claim a comment was taken in.
	from := statusOrNew(e.From)
	if e.Route == RouteCrisis {
		from = ""
	}
	field("from", from)
	field("to", e.To.String())
	field("route", e.Route.String())
	field("automation", e.Automation.String())
	field("category", e.Category)
	// Each rule id is length-prefixed inside the field, so ["a,b"] and
	// ["a","b"] cannot encode alike.
	n := 0
	for _, id := range e.RuleIDs {
		n += len(id) + len(strconv.Itoa(len(id))) + 2
	}
	b = append(b, "rules="...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, ':')
	for _, id := range e.RuleIDs {
		b = strconv.AppendInt(b, int64(len(id)), 10)
		b = append(b, ':')
		b = append(b, id...)
		b = append(b, ';')
	}
	b = append(b, '\n')
	field("ruleset", e.RulesetVersion)
	field("note", e.Note)
	field("source", e.Source)
	field("language", e.Language)
	field("text", e.TextDigest)
	field("author", e.AuthorDigest)
	if e.VerdictDigest != "" {
		field("verdict", e.VerdictDigest)
	}
	return b
}

func statusOrNew(s Status) string {
	if s == 0 {
		return "new"
	}
	return s.String()
}

// ComputeHash returns the hash of the event chained after prev.
func (e *Event) ComputeHash(prev string) string {
	var buf [768]byte
	b := append(buf[:0], prev...)
	sum := sha256.Sum256(e.appendCanonical(b))
	return hex.EncodeToString(sum[:])
}

// Seal sets the event's place in the chain: its sequence number, the previous
// hash and its own hash. Storage calls it inside the transaction that writes
// the event, holding the chain head.
func (e *Event) Seal(seq int64, prev string) {
	e.DigestVerdict()
	e.SealDigested(seq, prev)
}

// DigestVerdict sets VerdictDigest from the verdict snapshot, when there is
// one: the part of Seal that needs no chain head, which storage does before
// its serial writer takes the event.
func (e *Event) DigestVerdict() {
	if e.Verdict != nil {
		e.VerdictDigest = VerdictDigest(e.Verdict)
	}
}

// SealDigested is Seal for an event whose DigestVerdict is done and whose
// verdict has not changed since.
func (e *Event) SealDigested(seq int64, prev string) {
	e.Seq = seq
	e.PrevHash = prev
	e.Hash = e.ComputeHash(prev)
}

// Digest is a salted SHA-256 of some values, hex-encoded.
func Digest(salt []byte, values ...string) string {
	// The bytes fmt's "%d:%s" wrote per value, appended without fmt: every
	// intake digests its text and its author.
	var buf [512]byte
	b := append(buf[:0], salt...)
	for _, v := range values {
		b = strconv.AppendInt(b, int64(len(v)), 10)
		b = append(b, ':')
		b = append(b, v...)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// appendField appends one field as the canonical form and the verdict
// digest write it: name=len:value and a newline.
func appendField(b []byte, name, v string) []byte {
	b = append(b, name...)
	b = append(b, '=')
	b = strconv.AppendInt(b, int64(len(v)), 10)
	b = append(b, ':')
	b = append(b, v...)
	return append(b, '\n')
}

// TruncateTime gives a time the precision every supported database stores, so
// the hash of an event read back equals the hash computed before writing.
func TruncateTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// ChainBreak describes the first event whose stored hash does not match.
type ChainBreak struct {
	Seq    int64
	Reason string
}

func (b *ChainBreak) Error() string { return fmt.Sprintf("event %d: %s", b.Seq, b.Reason) }

// ChainVerifier checks events one by one, in sequence order.
type ChainVerifier struct {
	prev    string
	nextSeq int64
	Count   int64
}

// NewChainVerifier starts a check at the beginning of the log.
func NewChainVerifier() *ChainVerifier { return &ChainVerifier{prev: GenesisHash, nextSeq: 1} }

// Head is the hash of the last event checked.
func (v *ChainVerifier) Head() string { return v.prev }

// Check verifies the next event; the first failure is a *ChainBreak.
func (v *ChainVerifier) Check(e *Event) error {
	if e.Seq != v.nextSeq {
		return &ChainBreak{Seq: e.Seq, Reason: fmt.Sprintf("expected sequence number %d (an event is missing or out of order)", v.nextSeq)}
	}
	if e.PrevHash != v.prev {
		return &ChainBreak{Seq: e.Seq, Reason: "previous-hash link does not match the event before it"}
	}
	if got := e.ComputeHash(v.prev); got != e.Hash {
		return &ChainBreak{Seq: e.Seq, Reason: "content does not match its hash (the event was altered)"}
	}
	v.prev = e.Hash
	v.nextSeq++
	v.Count++
	return nil
}

// VerdictDigest is a SHA-256 of what a verdict decided: action, category,
// score, language, ruleset version and each match's rule, category and
// offsets. The texts the matches quote are left out: a purge erases them
// and the digest must survive it (they are slices of the text, which the
// text digest covers). Written field by field, not as JSON, so a new field
// in rules.Verdict does not change the digest of verdicts already sealed.
func VerdictDigest(v *rules.Verdict) string {
	// The bytes fmt's "%s=%d:%s\n" wrote per field, appended without fmt:
	// every intake digests its verdict.
	var buf [512]byte
	var num [24]byte
	b := buf[:0]
	field := func(name, val string) { b = appendField(b, name, val) }
	field("action", v.Action.String())
	field("category", v.Category)
	field("score", string(strconv.AppendFloat(num[:0], v.Score, 'g', -1, 64)))
	field("language", v.Language)
	field("ruleset", v.RulesetVersion)
	for _, m := range v.Matches {
		field("match", m.Rule)
		field("category", m.Category)
		field("start", string(strconv.AppendInt(num[:0], int64(m.Start), 10)))
		field("end", string(strconv.AppendInt(num[:0], int64(m.End), 10)))
		if m.Shadow {
			field("shadow", "1")
		}
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
