package reports

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The Transparency Database's allowed values (specs/transparency.md).
var (
	sorVisibility = []string{
		"DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED",
		"DECISION_VISIBILITY_CONTENT_DEMOTED", "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
		"DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED", "DECISION_VISIBILITY_CONTENT_LABELLED",
		"DECISION_VISIBILITY_OTHER",
	}
	sorGrounds     = []string{"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"}
	sorContentType = []string{"CONTENT_TYPE_TEXT"}
	sorCategories  = []string{
		"ANIMAL_WELFARE", "CONSUMER_INFORMATION", "CYBER_VIOLENCE", "CYBER_VIOLENCE_AGAINST_WOMEN",
		"DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", "ILLEGAL_OR_HARMFUL_SPEECH",
		"INTELLECTUAL_PROPERTY_INFRINGEMENTS", "NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
		"NOT_SPECIFIED_NOTICE", "OTHER_VIOLATION_TC", "PROTECTION_OF_MINORS",
		"RISK_FOR_PUBLIC_SECURITY", "SCAMS_AND_FRAUD", "SELF_HARM",
		"UNSAFE_AND_PROHIBITED_PRODUCTS", "VIOLENCE",
	}
	sorSourceTypes = []string{"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"}
	sorAutomated   = []string{"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"}
	sorYesNo       = []string{"Yes", "No"}
	// EU and EEA member states (ISO 3166-1 alpha-2; Greece is EL in EU usage).
	sorTerritories = []string{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "GR", "ES", "FI", "FR",
		"HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
		"IS", "LI", "NO"}

	languageRe = regexp.MustCompile(`^[A-Z]{2}$`)
	keywordRe  = regexp.MustCompile(`^KEYWORD_[A-Z_]+$`)
)

// validPUID is ^[A-Za-z0-9_-]{1,500}$ without a regexp: that one compiles
// to 500 copies of its class, ~2.5 ms of every vigie command's start-up.
func validPUID(p string) bool {
	if len(p) < 1 || len(p) > 500 {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// IsTerritory reports whether code is an EU or EEA member state as
// territorial_scope spells it (uppercase ISO 3166-1 alpha-2, EL for Greece).
func IsTerritory(code string) bool { return slices.Contains(sorTerritories, code) }

// dsaCategory adds the STATEMENT_CATEGORY_ prefix when the policy omits it.
func dsaCategory(s string) string {
	if s == "" || strings.HasPrefix(s, "STATEMENT_CATEGORY_") {
		return s
	}
	return "STATEMENT_CATEGORY_" + s
}

// ValidateSOR checks one statement of reasons, decoded from JSON, against the
// spec's field rules: required fields, allowed values, lengths, dates and the
// puid charset. It reports the first problem, naming the field.
func ValidateSOR(s map[string]any) error {
	v := sorCheck{s: s}
	v.enumArray("decision_visibility", sorVisibility, true)
	if slices.Contains(v.strs("decision_visibility"), "DECISION_VISIBILITY_OTHER") {
		v.text("decision_visibility_other", 500, true)
	}
	switch v.enum("decision_ground", sorGrounds, true) {
	case "DECISION_GROUND_ILLEGAL_CONTENT":
		v.text("illegal_content_legal_ground", 500, true)
		v.text("illegal_content_explanation", 2000, true)
	case "DECISION_GROUND_INCOMPATIBLE_CONTENT":
		v.text("incompatible_content_ground", 500, true)
		v.text("incompatible_content_explanation", 2000, true)
		v.enum("incompatible_content_illegal", sorYesNo, false)
	}
	v.enumArray("content_type", sorContentType, true)
	cats := make([]string, len(sorCategories))
	for i, c := range sorCategories {
		cats[i] = "STATEMENT_CATEGORY_" + c
	}
	v.enum("category", cats, true)
	v.enumArray("category_addition", cats, false)
	if _, ok := s["category_specification"]; ok {
		for _, k := range v.strs("category_specification") {
			if !keywordRe.MatchString(k) {
				v.fail("category_specification", "%q is not a KEYWORD_* value", k)
			}
		}
		if slices.Contains(v.strs("category_specification"), "KEYWORD_OTHER") {
			v.text("category_specification_other", 500, true)
		}
	}
	v.enumArray("territorial_scope", sorTerritories, true)
	if l, ok := s["content_language"]; ok {
		if str, _ := l.(string); !languageRe.MatchString(str) {
			v.fail("content_language", "must be an uppercase ISO 639-1 code")
		}
	}
	content := v.date("content_date", true)
	applied := v.date("application_date", true)
	if end := v.date("end_date_visibility_restriction", false); !end.IsZero() && end.Before(applied) {
		v.fail("end_date_visibility_restriction", "is before application_date")
	}
	if !content.IsZero() && !applied.IsZero() && applied.Before(content) {
		v.fail("application_date", "is before content_date")
	}
	v.text("decision_facts", 5000, true)
	v.enum("source_type", sorSourceTypes, true)
	v.enum("automated_detection", sorYesNo, true)
	v.enum("automated_decision", sorAutomated, true)
	if p := v.text("puid", 500, true); p != "" && !validPUID(p) {
		v.fail("puid", "must be 1 to 500 characters of [A-Za-z0-9_-]")
	}
	return v.err
}

type sorCheck struct {
	s   map[string]any
	err error
}

func (v *sorCheck) fail(field, format string, args ...any) {
	if v.err == nil {
		v.err = fmt.Errorf("statement of reasons: %s: %s", field, fmt.Sprintf(format, args...))
	}
}

func (v *sorCheck) text(field string, maxLen int, required bool) string {
	raw, ok := v.s[field]
	if !ok || raw == nil {
		if required {
			v.fail(field, "is required")
		}
		return ""
	}
	str, ok := raw.(string)
	switch {
	case !ok:
		v.fail(field, "must be a string")
	case required && strings.TrimSpace(str) == "":
		v.fail(field, "is required")
	case utf8.RuneCountInString(str) > maxLen:
		v.fail(field, "is longer than %d characters", maxLen)
	}
	return str
}

func (v *sorCheck) enum(field string, allowed []string, required bool) string {
	str := v.text(field, 500, required)
	if str != "" && !slices.Contains(allowed, str) {
		v.fail(field, "%q is not an allowed value", str)
	}
	return str
}

func (v *sorCheck) strs(field string) []string {
	raw, _ := v.s[field].([]any)
	out := make([]string, 0, len(raw))
	for _, x := range raw {
		str, _ := x.(string)
		out = append(out, str)
	}
	return out
}

func (v *sorCheck) enumArray(field string, allowed []string, required bool) {
	raw, ok := v.s[field]
	if !ok || raw == nil {
		if required {
			v.fail(field, "is required")
		}
		return
	}
	arr, ok := raw.([]any)
	if !ok || (required && len(arr) == 0) {
		v.fail(field, "must be a non-empty array")
		return
	}
	seen := map[string]bool{}
	for _, x := range arr {
		str, _ := x.(string)
		if !slices.Contains(allowed, str) {
			v.fail(field, "%v is not an allowed value", x)
		}
		if seen[str] {
			v.fail(field, "%q is repeated", str)
		}
		seen[str] = true
	}
}

func (v *sorCheck) date(field string, required bool) time.Time {
	str := v.text(field, 10, required)
	if str == "" {
		return time.Time{}
	}
	t, err := time.Parse(dateLayout, str)
	if err != nil {
		v.fail(field, "must be a date YYYY-MM-DD")
	}
	return t
}
