package moderation

import (
	"context"
	"fmt"
	"time"
)

// AuditState is where a blind audit of an automated decision stands.
type AuditState int8

const (
	AuditOpen       AuditState = iota + 1 // waiting for a moderator
	AuditConfirmed                        // the moderator reached the same decision
	AuditOverturned                       // the moderator reached the other decision
	AuditSuperseded                       // the comment changed otherwise first (appeal, withdrawal)
)

var auditStateNames = [...]string{"", "open", "confirmed", "overturned", "superseded"}

func (s AuditState) String() string {
	if s < 0 || int(s) >= len(auditStateNames) {
		return fmt.Sprintf("audit(%d)", int8(s))
	}
	return auditStateNames[s]
}

// ParseAuditState reads a state name.
func ParseAuditState(v string) (AuditState, error) {
	for i, n := range auditStateNames {
		if i > 0 && n == v {
			return AuditState(i), nil
		}
	}
	return 0, Errorf(ErrInvalid, "state", "unknown audit state %q", v)
}

// Audit is one automated decision drawn at random for a blind re-check: the
// moderator decides without seeing the verdict, and the report's estimated
// error rate is the share of audits that overturned the machine.
type Audit struct {
	ID          int64
	CommentID   int64
	EventSeq    int64 // the automated decision audited
	SampledAt   time.Time
	State       AuditState
	Holder      string
	LeaseUntil  time.Time
	DecidedBy   string
	DecidedAt   time.Time
	DecisionSeq int64 // the audit's own event
}

// AuditFilter selects audits.
type AuditFilter struct {
	State     AuditState // 0: any
	CommentID int64      // 0: any
	AfterID   int64
	Limit     int
}

// AuditStore is what blind audits need from persistence. Audits are
// created by Effects.Audit with the decision they sample and closed by
// Effects.AuditID with the audit's event.
type AuditStore interface {
	Audits(ctx context.Context, f AuditFilter) ([]Audit, error)
	Audit(ctx context.Context, id int64) (Audit, error)
	// ClaimAudit leases the oldest open audit nobody holds to holder;
	// ErrNotFound when there is none.
	ClaimAudit(ctx context.Context, holder string, now, until time.Time) (Audit, error)
	// CountAudits counts audits by state.
	CountAudits(ctx context.Context) (map[AuditState]int64, error)
}

// Audits lists audits.
func (s *Service) Audits(ctx context.Context, f AuditFilter) ([]Audit, error) {
	return s.store.Audits(ctx, f)
}

// GetAudit returns one audit.
func (s *Service) GetAudit(ctx context.Context, id int64) (Audit, error) {
	return s.store.Audit(ctx, id)
}

// CountAudits counts audits by state.
func (s *Service) CountAudits(ctx context.Context) (map[AuditState]int64, error) {
	return s.store.CountAudits(ctx)
}

// ClaimAudit gives the moderator the oldest open audit, leased to them.
func (s *Service) ClaimAudit(ctx context.Context, actor string) (Audit, error) {
	now := TruncateTime(s.clock.Now())
	a, err := s.store.ClaimAudit(ctx, actor, now, now.Add(s.lease))
	if err != nil {
		return Audit{}, fmt.Errorf("claim audit: %w", err)
	}
	return a, nil
}

// AuditOutcome is what an audit decision found.
type AuditOutcome struct {
	Event      Event
	Overturned bool
}

// DecideAudit records the moderator's blind decision on an audited comment.
// The same status as now confirms the automated decision (an event without
// a status change, so the sample is counted); the other overturns it.
func (s *Service) DecideAudit(ctx context.Context, actor string, auditID int64, action, category, note string) (AuditOutcome, error) {
	to, err := targetOf(action)
	if err != nil {
		return AuditOutcome{}, err
	}
	a, err := s.store.Audit(ctx, auditID)
	if err != nil {
		return AuditOutcome{}, fmt.Errorf("audit %d: %w", auditID, err)
	}
	if a.State != AuditOpen {
		return AuditOutcome{}, fmt.Errorf("audit %d is %s: %w", auditID, a.State, ErrConflict)
	}
	if a.Holder != "" && a.Holder != actor && a.LeaseUntil.After(s.clock.Now()) {
		return AuditOutcome{}, fmt.Errorf("audit %d is claimed by someone else: %w", auditID, ErrConflict)
	}
	c, err := s.store.Comment(ctx, a.CommentID)
	if err != nil {
		return AuditOutcome{}, fmt.Errorf("audit %d: %w", auditID, err)
	}
	d := Decision{CommentID: a.CommentID, From: c.Status, To: to, Actor: actor, Route: RouteAudit,
		Automation: AutomationNone, Category: category, Note: note}
	e, err := s.decide(ctx, d, Effects{AuditID: auditID})
	if err != nil {
		return AuditOutcome{}, err
	}
	return AuditOutcome{Event: e, Overturned: e.From != e.To}, nil
}

// Claimed reports whether somebody holds the audit at now.
func (a Audit) Claimed(now time.Time) bool { return a.Holder != "" && a.LeaseUntil.After(now) }

// InBlindAudit reports whether the comment has an open audit: until it is
// decided, no moderator may see the automated decision it samples, on the
// audit page or anywhere else, or the audit measures nothing.
func (s *Service) InBlindAudit(ctx context.Context, commentID int64) (Audit, bool, error) {
	as, err := s.store.Audits(ctx, AuditFilter{State: AuditOpen, CommentID: commentID, Limit: 1})
	if err != nil || len(as) == 0 {
		return Audit{}, false, err
	}
	return as[0], true, nil
}
