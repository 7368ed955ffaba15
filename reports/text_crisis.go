package reports

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"vigie/moderation/i18n"
)

// writeCrises writes the "Crisis periods" section of the text report: each
// period overlapping the report's, with the figures the JSON gives it. It
// writes nothing when there is none, so a report without a crisis reads
// exactly as before the section existed.
func (r *Report) writeCrises(p func(string, ...any), lang string, pol Policy) {
	if len(r.Crises) == 0 {
		return
	}
	L := func(key string) string { return i18n.T(lang, "rep_"+key) }
	T := func(key string) string { return i18n.T(lang, key) }
	colon := i18n.Colon(lang)
	p("\n%s\n", T("pub_crises"))
	for i, c := range r.Crises {
		if i > 0 {
			p("\n")
		}
		page := Printable(c.Page)
		if c.Page == "*" {
			page = T("crisis_all_pages")
		}
		stop := T("pub_crisis_ongoing")
		if c.Stop != nil {
			stop = c.Stop.UTC().Format(time.RFC3339)
		}
		reason := Printable(c.Reason)
		if c.StopReason != "" {
			reason += " → " + Printable(c.StopReason)
		}
		p("  %s%s\t%s\n", T("crisis_page"), colon, page)
		p("  %s%s\t%s\n  %s%s\t%s\n", T("pub_crisis_start"), colon, c.Start.UTC().Format(time.RFC3339), T("pub_crisis_stop"), colon, stop)
		p("  %s%s\t%s\n", T("crisis_reason"), colon, reason)
		f := c.Figures
		p("  %s\t%d\n  %s\t%d\n  %s\t%d\n", L("received"), f.Received, L("published"), f.Published, L("refused"), f.Refused)
		for _, rs := range f.RefusedByReason {
			p("    %s\t%d\t%s\n", reasonName(pol, rs.Category, lang), rs.Refused, i18n.Percent(lang, rs.ShareOfReceived, 1))
		}
		p("  %s\t%d\n  %s\t%d\n  %s\t%d\n", L("pending"), f.Pending, L("withdrawn"), f.Withdrawn, L("wrong"), f.WronglyRemoved)
		writeTTD(p, lang, f.TimeToDecision)
	}
}

// writeTTD writes the time to decision line: median and 90th percentile,
// or "n/a" without decisions.
func writeTTD(p func(string, ...any), lang string, t TimeToDecision) {
	L := func(key string) string { return i18n.T(lang, "rep_"+key) }
	if t.MedianSeconds != nil && t.P90Seconds != nil {
		p("  %s\t%s %s, %s %s\t(%s = %d)\n", L("ttd"), L("median"), i18n.Duration(lang, seconds(*t.MedianSeconds)),
			L("p90"), i18n.Duration(lang, seconds(*t.P90Seconds)), L("n"), t.Decisions)
	} else {
		p("  %s\t%s\n", L("ttd"), L("na"))
	}
}

// reasonName is a refusal category as the text report names it: its policy
// label, "(none)" for none, made printable (policy labels come from the
// configuration, categories from the log).
func reasonName(pol Policy, category, lang string) string {
	name := pol.LabelFor(category, lang)
	if name == "" {
		return i18n.T(lang, "rep_none")
	}
	return Printable(name)
}

// Printable makes a string safe to print in the text report, whose layout
// is lines of tab-separated cells read on a terminal. Crisis reasons, page
// ids and labels are hostile input: a newline would forge a line, a tab a
// cell, an escape sequence would drive the terminal, a bidi override or
// isolate would reorder what the reader sees, and an invalid byte (0xff is
// tabwriter's escape) would break the cells. Those are written as Go
// escapes (\n, \t, \x1b, \u202e, \xff), visible and inert; every other
// character, accents and other scripts included, is kept as it is. The
// command line's tables (vigie pages, vigie crisis status) use it too.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unprintable(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i])|0x100, 16)[1:])
		case unprintable(r):
			q := strconv.QuoteRuneToASCII(r) // '\n', '\x1b', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// unprintable: control characters (C0, DEL, C1), format characters (bidi
// marks, embeddings, overrides and isolates, zero-width characters, the
// byte-order mark…) and the line and paragraph separators.
func unprintable(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}
