package reports

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"vigie/moderation"
	"vigie/moderation/i18n"
)

// SOROptions configures statements of reasons.
type SOROptions struct {
	// Visibility is the decision_visibility of a refusal. Vigie hides
	// refused comments on the platform, so the default is
	// DECISION_VISIBILITY_CONTENT_DISABLED; a deployment that deletes them
	// sets DECISION_VISIBILITY_CONTENT_REMOVED.
	Visibility       string
	TerritorialScope []string       // default ["FR"]
	Language         string         // of decision_facts: "en" (default) or "fr"
	Location         *time.Location // for content_date and application_date; default UTC
	// PUIDKey, when set, derives each puid as an HMAC of the event's hash:
	// opaque, yet stable across exports so a re-submission is recognised.
	// Without it each export draws random puids from Rand (crypto/rand).
	PUIDKey []byte
	Rand    io.Reader
}

// SORFields are the CSV columns, in order; NDJSON carries the same names.
var SORFields = []string{
	"puid", "decision_visibility", "decision_visibility_other", "decision_ground",
	"illegal_content_legal_ground", "illegal_content_explanation",
	"incompatible_content_ground", "incompatible_content_explanation", "incompatible_content_illegal",
	"category", "category_specification", "category_specification_other", "content_type", "territorial_scope",
	"content_language", "content_date", "application_date", "decision_facts",
	"source_type", "automated_detection", "automated_decision",
}

// WriteSOR writes one statement of reasons per refusal made in [from, to)
// — any route that ends in "refused" — as "ndjson" or "csv". It reads the
// whole log (a refusal's content_date is its comment's receipt date).
func WriteSOR(ctx context.Context, w io.Writer, format string, src EventSource, from, to time.Time, pol Policy, opts SOROptions) error {
	if format != "ndjson" && format != "csv" {
		return moderation.Errorf(moderation.ErrInvalid, "format", "format %q is not ndjson or csv", format)
	}
	if opts.Visibility == "" {
		opts.Visibility = "DECISION_VISIBILITY_CONTENT_DISABLED"
	}
	if len(opts.TerritorialScope) == 0 {
		opts.TerritorialScope = []string{"FR"}
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	var cw *csv.Writer
	if format == "csv" {
		cw = csv.NewWriter(w)
		cw.UseCRLF = true // RFC 4180 line endings
		if err := cw.Write(SORFields); err != nil {
			return err
		}
	}
	received := map[int64]time.Time{}
	var after int64
	for {
		evs, err := src.EventsAfter(ctx, after, SyncPage)
		if err != nil {
			return fmt.Errorf("statements of reasons: %w", err)
		}
		for i := range evs {
			e := &evs[i]
			after = e.Seq
			if e.From == 0 {
				received[e.CommentID] = e.At
			}
			if e.To != moderation.StatusRefused || e.From == e.To || e.At.Before(from) || !e.At.Before(to) {
				continue
			}
			s, err := statement(e, received[e.CommentID], pol, &opts)
			if err != nil {
				return err
			}
			line, err := checkedStatement(s)
			if err != nil {
				return fmt.Errorf("statement for event %d: %w", e.Seq, err)
			}
			if cw != nil {
				err = cw.Write(sorRow(s))
			} else {
				_, err = w.Write(line)
			}
			if err != nil {
				return err
			}
		}
		if len(evs) < SyncPage {
			break
		}
	}
	if cw != nil {
		cw.Flush()
		return cw.Error()
	}
	return nil
}

// checkedStatement encodes a statement as one NDJSON line and checks it with
// ValidateSOR as the database would read it, so an export never contains a
// statement the Transparency Database would refuse.
func checkedStatement(s map[string]any) ([]byte, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		return nil, err
	}
	if err := ValidateSOR(back); err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// statement builds one statement from a refusal event. Only the policy,
// dates, the language code and the decision's automation go in: no text,
// author, comment id or platform id.
func statement(e *moderation.Event, receivedAt time.Time, pol Policy, o *SOROptions) (map[string]any, error) {
	puid, err := makePUID(e, o)
	if err != nil {
		return nil, err
	}
	if receivedAt.IsZero() {
		receivedAt = e.At
	}
	cat, known := pol.Find(e.Category)
	s := map[string]any{
		"puid":                puid,
		"decision_visibility": []string{o.Visibility},
		"content_type":        []string{"CONTENT_TYPE_TEXT"},
		"territorial_scope":   o.TerritorialScope,
		"content_date":        receivedAt.In(o.Location).Format(dateLayout),
		"application_date":    e.At.In(o.Location).Format(dateLayout),
		"decision_facts":      decisionFacts(e, cat, known, o.Language),
		"source_type":         "SOURCE_VOLUNTARY",
		"automated_detection": "No",
		"automated_decision":  "AUTOMATED_DECISION_NOT_AUTOMATED",
		"category":            "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
	}
	if o.Visibility == "DECISION_VISIBILITY_OTHER" {
		s["decision_visibility_other"] = "Comment hidden from the public"
	}
	if e.Language != "" {
		s["content_language"] = strings.ToUpper(e.Language)
	}
	switch e.Automation {
	case moderation.AutomationFull:
		s["automated_detection"], s["automated_decision"] = "Yes", "AUTOMATED_DECISION_FULLY"
	case moderation.AutomationPartial:
		s["automated_detection"], s["automated_decision"] = "Yes", "AUTOMATED_DECISION_PARTIALLY"
	}
	// The policy is the operator's text: only values the Transparency
	// Database accepts go out, the rest falls back to its catch-alls.
	if c := dsaCategory(cat.DSACategory); known && slices.Contains(sorCategories, strings.TrimPrefix(c, "STATEMENT_CATEGORY_")) {
		s["category"] = c
	}
	label := pick(cat.Label, "en", e.Category)
	explanation := clip(pick(cat.Description, "en", "The comment breaks the moderation policy published on the page."), 2000)
	if label == "" {
		label = "moderation policy"
	}
	if kws := keywords(cat.Keywords); known && len(kws) > 0 {
		s["category_specification"] = kws
		if slices.Contains(kws, "KEYWORD_OTHER") {
			s["category_specification_other"] = clip(label, 500)
		}
	}
	if known && cat.Ground == "law" && cat.LegalGround != "" {
		s["decision_ground"] = "DECISION_GROUND_ILLEGAL_CONTENT"
		s["illegal_content_legal_ground"] = clip(cat.LegalGround, 500)
		s["illegal_content_explanation"] = explanation
	} else {
		s["decision_ground"] = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
		s["incompatible_content_ground"] = clip("Published moderation policy, category: "+label, 500)
		s["incompatible_content_explanation"] = explanation
		if known && cat.Ground == "law" {
			s["incompatible_content_illegal"] = "Yes"
		}
	}
	return s, nil
}

// decisionFacts is template wording only: the category, how the decision
// was taken and which rules matched (rule ids are ours, not personal data).
// The words are in moderation/i18n, beside the text report's.
func decisionFacts(e *moderation.Event, cat Category, known bool, lang string) string {
	if lang != "fr" {
		lang = "en"
	}
	how := ""
	if e.Automation.Valid() {
		how = i18n.T(lang, "rep_sor_auto_"+e.Automation.String())
	}
	label := e.Category
	if known {
		label = pick(cat.Label, lang, e.Category)
	}
	var b strings.Builder
	fmt.Fprintf(&b, i18n.T(lang, "rep_sor_hidden"), how)
	if e.From == moderation.StatusPublished {
		b.WriteString(i18n.T(lang, "rep_sor_after_pub"))
	}
	if label != "" {
		fmt.Fprintf(&b, i18n.T(lang, "rep_sor_category"), label)
	}
	if len(e.RuleIDs) > 0 {
		fmt.Fprintf(&b, i18n.T(lang, "rep_sor_rules"), strings.Join(e.RuleIDs, ", "))
	}
	fmt.Fprintf(&b, i18n.T(lang, "rep_sor_route"), e.Route)
	return clip(b.String(), 5000)
}

// keywords keeps the well-formed KEYWORD_* values, each once.
func keywords(in []string) []string {
	var out []string
	for _, k := range in {
		if keywordRe.MatchString(k) && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func makePUID(e *moderation.Event, o *SOROptions) (string, error) {
	if len(o.PUIDKey) > 0 {
		m := hmac.New(sha256.New, o.PUIDKey)
		m.Write([]byte("vigie-sor-puid\x00" + e.Hash))
		return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:24]), nil
	}
	b := make([]byte, 24)
	if _, err := io.ReadFull(o.Rand, b); err != nil {
		return "", fmt.Errorf("statement puid: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// sorRow renders a statement as CSV cells; arrays are JSON arrays, as the
// Transparency Database's CSV import expects.
func sorRow(s map[string]any) []string {
	row := make([]string, len(SORFields))
	for i, f := range SORFields {
		switch v := s[f].(type) {
		case string:
			row[i] = v
		case []string:
			b, _ := json.Marshal(v)
			row[i] = string(b)
		}
	}
	return row
}
