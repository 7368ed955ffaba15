package reports

import (
	"time"

	"vigie/moderation"
)

// Schema names the JSON and CSV layout; see SCHEMA.md. A change that
// removes or renames a field bumps it.
const Schema = "vigie.transparency/v1"

// Report is the transparency figures for one period. Its JSON form is the
// published schema; the page, CSV and text outputs render the same struct.
type Report struct {
	Schema         string         `json:"schema"`
	Period         PeriodInfo     `json:"period"`
	GeneratedAt    time.Time      `json:"generated_at"`
	DataAsOf       *time.Time     `json:"data_as_of"` // latest event time included; null on an empty log
	Chain          Head           `json:"chain"`
	Headline       Headline       `json:"headline"`
	Criticism      Criticism      `json:"criticism"` // criticism.go
	Campaigns      Campaigns      `json:"campaigns"`
	Cohort         Cohort         `json:"cohort"`
	Activity       Activity       `json:"activity"`
	Rates          Rates          `json:"rates"`
	TimeToDecision TimeToDecision `json:"time_to_decision"`
	Series         Series         `json:"series"`
	Policy         []PolicyEntry  `json:"policy"`
	// Crises are the crisis periods that overlap the report's period, each
	// with its own figures (crisis.go).
	Crises []CrisisReport `json:"crises"`
	// Page is the page the report is limited to; absent for all pages.
	Page *PageInfo `json:"page,omitempty"`
	// Checkpoint is the latest signed statement of the chain head, when
	// the server signs them (`vigie verify --checkpoints` checks them).
	Checkpoint *moderation.Checkpoint `json:"checkpoint,omitempty"`
}

// PageInfo names the page of a per-page report.
type PageInfo struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// PeriodInfo is the period a report covers.
type PeriodInfo struct {
	From     string `json:"from"` // YYYY-MM-DD, inclusive
	To       string `json:"to"`   // YYYY-MM-DD, exclusive
	Kind     string `json:"kind"`
	Label    string `json:"label"`
	TimeZone string `json:"time_zone"`
}

// Headline is the 2015 statement: received, published, refused by reason
// (with shares of all received) and wrongly removed, in the cohort view.
type Headline struct {
	Received        int64    `json:"received"`
	Published       int64    `json:"published"`
	Refused         int64    `json:"refused"`
	WronglyRemoved  int64    `json:"wrongly_removed"`
	RefusedByReason []Reason `json:"refused_by_reason"`
}

// Reason is one category's refusals.
type Reason struct {
	Category        string  `json:"category"`
	Refused         int64   `json:"refused"`
	ShareOfReceived float64 `json:"share_of_received"` // refused ÷ all received, 4 decimals
}

// CohortCounts: comments received in the period, by the status they have now.
// Published + Refused + Pending + Withdrawn = Received.
type CohortCounts struct {
	Received                 int64 `json:"received"`
	Published                int64 `json:"published"`
	Refused                  int64 `json:"refused"`
	RefusedBeforePublication int64 `json:"refused_before_publication"`
	RemovedAfterPublication  int64 `json:"removed_after_publication"`
	Pending                  int64 `json:"pending"`
	Withdrawn                int64 `json:"withdrawn"`
	WronglyRemoved           int64 `json:"wrongly_removed"`
	WronglyRemovedAppeal     int64 `json:"wrongly_removed_appeal"`
	WronglyRemovedOwnReview  int64 `json:"wrongly_removed_own_review"`
	WronglyRemovedExternal   int64 `json:"wrongly_removed_external"`
}

// ActivityCounts: decisions made in the period, whenever the comment came in.
type ActivityCounts struct {
	Decisions                   int64 `json:"decisions"` // published + refused + reinstated
	Published                   int64 `json:"published"`
	Refused                     int64 `json:"refused"`
	RemovedAfterPublication     int64 `json:"removed_after_publication"`
	Reinstated                  int64 `json:"reinstated"`
	ReinstatedAppeal            int64 `json:"reinstated_appeal"`
	ReinstatedOwnReview         int64 `json:"reinstated_own_review"`
	ReinstatedExternal          int64 `json:"reinstated_external"`
	SentToReview                int64 `json:"sent_to_review"`
	Withdrawn                   int64 `json:"withdrawn"`
	Appeals                     int64 `json:"appeals"`
	AuditChecks                 int64 `json:"audit_checks"`
	AuditOverturns              int64 `json:"audit_overturns"`
	AutomatedRefusals           int64 `json:"automated_refusals"`
	AutomatedRefusalsReinstated int64 `json:"automated_refusals_reinstated"`
}

// CohortRow is one dimension value's cohort counts.
type CohortRow struct {
	Key string `json:"key"` // "" means none (never flagged, no rule…)
	CohortCounts
}

// ActivityRow is one dimension value's activity counts.
type ActivityRow struct {
	Key string `json:"key"`
	ActivityCounts
}

// Cohort is the cohort view.
type Cohort struct {
	Definition string            `json:"definition"`
	Totals     CohortCounts      `json:"totals"`
	Breakdowns []CohortBreakdown `json:"breakdowns"`
}

// CohortBreakdown is the cohort view split by one dimension.
type CohortBreakdown struct {
	Dimension string      `json:"dimension"`
	Rows      []CohortRow `json:"rows"`
}

// Activity is the activity view.
type Activity struct {
	Definition string              `json:"definition"`
	Totals     ActivityCounts      `json:"totals"`
	Breakdowns []ActivityBreakdown `json:"breakdowns"`
}

// ActivityBreakdown is the activity view split by one dimension.
type ActivityBreakdown struct {
	Dimension string        `json:"dimension"`
	Rows      []ActivityRow `json:"rows"`
}

// Rate is a ratio with its parts; Value is null when the denominator is 0.
type Rate struct {
	Numerator   int64    `json:"numerator"`
	Denominator int64    `json:"denominator"`
	Value       *float64 `json:"value"`
	Definition  string   `json:"definition"`
}

// Estimate is a proportion from a sample with its 95% Wilson interval.
type Estimate struct {
	Overturned int64    `json:"overturned"`
	SampleSize int64    `json:"sample_size"`
	Value      *float64 `json:"value"`
	Low        *float64 `json:"low"`
	High       *float64 `json:"high"`
	Confidence float64  `json:"confidence"`
	Definition string   `json:"definition"`
}

// Rates are the derived figures, each with its definition.
type Rates struct {
	AutomatedErrorObserved  Rate     `json:"automated_error_rate_observed"`
	AutomatedErrorEstimated Estimate `json:"automated_error_rate_estimated"`
	AppealRate              Rate     `json:"appeal_rate"`
	OverturnRate            Rate     `json:"overturn_rate"`
}

// TimeToDecision summarises review delays; seconds, null without decisions.
type TimeToDecision struct {
	Decisions     int64  `json:"decisions"`
	MedianSeconds *int64 `json:"median_seconds"`
	P90Seconds    *int64 `json:"p90_seconds"`
	Definition    string `json:"definition"`
}

// Series is the activity over time, for the chart.
type Series struct {
	Granularity string  `json:"granularity"` // "day", "week" or "month"
	Points      []Point `json:"points"`
}

// Point is one bucket of the series; Start is its first day.
type Point struct {
	Start      string `json:"start"`
	Published  int64  `json:"published"`
	Refused    int64  `json:"refused"`
	Reinstated int64  `json:"reinstated"`
}

// PolicyEntry is one category of the published policy.
type PolicyEntry struct {
	ID          string            `json:"id"`
	Label       map[string]string `json:"label"`
	Description map[string]string `json:"description"`
	DSACategory string            `json:"dsa_category,omitempty"`
	Ground      string            `json:"ground,omitempty"`
}
