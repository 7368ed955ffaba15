package i18n

// enFormat is the words the formatting functions (format.go) put around
// figures and dates, in English.
var enFormat = map[string]string{
	"fmt_day_unit": "d", "fmt_first_day": "1",
	"fmt_date": "%s %s %d", "fmt_date_short": "%[2]s %[1]s", "fmt_month_year": "%s %d",
	"fmt_quarter": "Q%[2]d %[1]d", "fmt_datetime": "%s, %s",
	"fmt_month_1": "January", "fmt_month_2": "February", "fmt_month_3": "March", "fmt_month_4": "April",
	"fmt_month_5": "May", "fmt_month_6": "June", "fmt_month_7": "July", "fmt_month_8": "August",
	"fmt_month_9": "September", "fmt_month_10": "October", "fmt_month_11": "November", "fmt_month_12": "December",
	"fmt_mon_1": "Jan", "fmt_mon_2": "Feb", "fmt_mon_3": "Mar", "fmt_mon_4": "Apr",
	"fmt_mon_5": "May", "fmt_mon_6": "Jun", "fmt_mon_7": "Jul", "fmt_mon_8": "Aug",
	"fmt_mon_9": "Sep", "fmt_mon_10": "Oct", "fmt_mon_11": "Nov", "fmt_mon_12": "Dec",
}

// enReport is the text report (`vigie report --format text`) and the
// wording of the statements of reasons, in English.
var enReport = map[string]string{
	"rep_page": "Page", "rep_title": "Transparency report", "rep_period": "Period", "rep_tz": "time zone", "rep_asof": "Data as of",
	"rep_head": "Chain head", "rep_cohort": "Comments received in the period (status as of data date)",
	"rep_activity": "Decisions made in the period", "rep_received": "received", "rep_published": "published",
	"rep_refused": "refused", "rep_before": "refused before publication", "rep_after": "removed after publication",
	"rep_pending": "pending review", "rep_withdrawn": "withdrawn by author", "rep_wrong": "wrongly removed (reinstated)",
	"rep_appeal": "by appeal", "rep_own": "by own review", "rep_external": "by external request",
	"rep_reasons": "Refusals by reason (share of all received)", "rep_none": "(none)",
	"rep_reinstated": "reinstated", "rep_review": "sent to review", "rep_rates": "Rates",
	"rep_errobs": "automated error rate, observed", "rep_errest": "automated error rate, estimated from audits",
	"rep_appealrate": "appeal rate", "rep_overturn": "overturn rate", "rep_ttd": "time to decision (review)",
	"rep_median": "median", "rep_p90": "90th percentile", "rep_n": "n", "rep_na": "n/a", "rep_empty": "empty log",

	"rep_sor_hidden": "Comment hidden %s", "rep_sor_after_pub": " after it had been published",
	"rep_sor_category": "; policy category: %s", "rep_sor_rules": "; rules: %s", "rep_sor_route": "; route: %s.",
	"rep_sor_auto_fully":     "automatically by the published moderation rules",
	"rep_sor_auto_partially": "by a moderator, after the moderation rules flagged it",
	"rep_sor_auto_not":       "by a moderator",
}
