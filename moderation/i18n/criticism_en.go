package i18n

// enCriticism is frCriticism in English.
var enCriticism = map[string]string{
	"err_reason_required":      "This comment criticises the post or the page owner: write the reason for refusing it in the note.",
	"err_criticism_not_reason": "Criticism is not a reason to refuse: choose the rule of the policy the comment breaks.",
	"badge_criticism":          "criticism",
	"criticism_flag":           "Criticism of the post or of the page owner: never refused automatically. To refuse it, write the reason; it will be public in the history.",
	"refuse_reason":            "Reason for refusing (required)",

	"pub_criticism":         "Criticism of the post or of the page",
	"pub_criticism_note":    "Comments that say the post is wrong or out of date, ask for a correction or a source, or criticise the page owner. They are never refused automatically: every refusal is a moderator's decision, with its reason.",
	"pub_crit_auto_refused": "refused automatically",
	"pub_campaigns":         "Repeated posts (campaigns)",
	"pub_campaigns_note":    "Copies of one text posted by several authors within a short time, flagged by the repeated-post rule and decided together. The log does not link the copies to each other (their fingerprint is not chained): it counts copies, not groups.",
	"pub_copies":            "copies received",

	"rep_criticism":       "Criticism of the post or of the page (never refused automatically)",
	"rep_crit_auto":       "refused automatically",
	"rep_campaigns":       "Repeated posts (flagged copies of one text)",
	"rep_campaign_copies": "copies received",
}
