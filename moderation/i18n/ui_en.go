package i18n

// enUI is the moderator interface, in English.
var enUI = map[string]string{
	"skip": "Skip to content", "nav": "Navigation", "nav_queue": "Review queue", "nav_audits": "Audits",
	"nav_appeals": "Appeals", "nav_admin": "Administration", "nav_public": "Public report",
	"role_admin": "admin", "role_moderator": "moderator", "role_viewer": "viewer",
	"logout": "Log out", "help": "Help", "help_title": "Keyboard shortcuts", "close": "Close",
	"key_jk": "next / previous comment", "key_p": "publish", "key_r": "refuse (with the reason chosen in the row)",
	"key_u": "undo the last decision (a few seconds)", "key_enter": "open the comment", "key_help": "show this help",
	"err_400": "Invalid request", "err_401": "Login required", "err_403": "Access denied", "err_404": "Not found",
	"err_409": "Conflict: things changed meanwhile", "err_413": "Too large", "err_429": "Too many attempts",
	"err_500": "Internal error", "err_503": "Service unavailable", "request_id": "Request id:",
	"rate_limited": "Too many requests", "rate_limited_wait": "Too many requests came from your address. Try again in %d s.",
	"back_queue": "Back to the queue", "title_queue": "Review queue", "title_error": "Error",
	"queue_stats": "%d pending, %d of them claimed", "oldest": "oldest received", "start_review": "Start reviewing",
	"f_category": "Reason", "f_language": "Language", "f_source": "Source", "f_reason": "Rule", "any": "any",
	"filter": "Filter", "author_view": "Pending comments of author", "all_queue": "the whole queue",
	"groups": "Identical texts waiting", "group_line": "%d copies by %d authors",
	"keys_hint":  "Keyboard: j/k to move, p publish, r refuse, u undo, ? help.",
	"claimed_me": "claimed by you", "claimed_by": "claimed by", "author_all": "all their pending comments",
	"open": "Open", "publish": "Publish", "refuse": "Refuse", "next_page": "Next page",
	"queue_none": "No comment is waiting.", "title_review": "Comment",
	"status_pending": "pending", "status_published": "published", "status_refused": "refused", "status_withdrawn": "withdrawn by author",
	"thread": "thread", "received": "received", "in_reply_to": "In reply to", "decision": "Decision", "note": "Note",
	"group_copies": "See the %d copies of this text and decide them together", "reexamine": "Re-examine",
	"reinstate": "Reinstate (wrongly removed)", "statement": "Appeal statement", "open_appeal": "Open an appeal",
	"remove": "Remove for this reason", "undo": "Undo my decision", "why": "Why",
	"verdict": "Rules verdict:", "action_publish": "publish", "action_refuse": "refuse", "action_review": "human review",
	"score": "score", "ruleset": "rules", "rule": "Rule", "matched": "Matched text", "bytes": "Bytes",
	"no_match": "No rule matched any passage.", "author_history": "Author's history",
	"appeal_open": "open", "appeal_upheld": "refusal upheld", "appeal_reinstated": "reinstated", "appeal_superseded": "moot",
	"history": "Decision history", "when": "When", "who": "Who", "change": "Change", "how": "Route", "new": "new",
	"title_group": "Identical texts", "group_note": "Tick copies to decide only those; with none ticked the decision applies to all. Each copy gets its own event.",
	"publish_all": "Publish selection", "refuse_all": "Refuse selection",
	"title_audits": "Blind audits", "audits_intro": "A random sample of automated decisions (publications and refusals) is re-examined without seeing the rules' decision. Overturned decisions feed the public report's estimated error rate.",
	"audit_open": "open", "audit_confirmed": "decision confirmed", "audit_overturned": "decision overturned", "audit_superseded": "moot (the comment changed meanwhile)",
	"audit_next": "Audit the next one", "title_audit": "Audit", "audit_blind": "Decide as if this comment had just arrived: the rules' decision is shown afterwards.",
	"audit_publish": "I would publish", "audit_refuse": "I would refuse", "audit_machine": "Automated decision:", "audit_human": "Your decision:",
	"title_appeals": "Appeals", "uphold": "Uphold the refusal", "appeals_none": "No appeal is waiting.",
	"msg_decided_publish": "Published.", "msg_decided_refuse": "Refused.", "msg_undone": "Decision undone: the comment is back in the queue.",
	"msg_reexamined": "Re-examination recorded.", "msg_appeal_opened": "Appeal opened.", "msg_queue_empty": "Nothing to claim: the queue is empty or all of it is claimed.",
	"msg_group_decided": "Decision applied to the copies.", "msg_appeal_decided": "Appeal decided.", "msg_audit_none": "No audit is waiting.",
	"ago_s": "%d s ago", "ago_min": "%d min ago", "ago_h": "%d h ago", "ago_d": "%d d ago",
	"js_published": "Published.", "js_refused": "Refused.", "js_undohint": "(u to undo)", "js_undone": "Undone: back in the queue.", "js_failed": "Failed:",
	"filters_title": "Filters", "author_unknown": "unknown author",
	"decide_next": "After the decision, the next comment of the queue opens.",
	"route_rules": "rules", "route_review": "review queue", "route_appeal": "appeal", "route_audit": "audit",
	"route_report": "report", "route_edit": "edit", "route_platform": "platform",
	"route_recheck": "re-check", "route_external": "external request", "route_undo": "undo",
}

// enAdmin is the administration pages, in English.
var enAdmin = map[string]string{
	"title_rules": "Rules in force", "categories": "reasons", "sor_export": "Export the statements of reasons (this month, CSV)",
	"rule_hits": "What each rule decided", "days7": "7 days", "days30": "30 days", "of_refused": "of which refused",
	"no_hits": "No decision in the period.", "check_rules": "Validate a candidate rules file",
	"check_note": "Paste the YAML of a rules file: it is checked, nothing is applied. To put it in force, edit the configured files and reload (SIGHUP); `vigie backtest --rules FILE` shows what it would change.",
	"check_ok":   "The file is valid.", "check_failed": "The file has errors:", "check_button": "Validate",
	"bt_title": "What the candidate would change (last 30 days)", "bt_total": "%d comments replayed", "bt_none": "No status would change.",
	"bt_human": "%d of these comments have a human decision; `vigie backtest` gives the detailed agreement.",
}

// enAccounts is signing in and managing users, in English.
var enAccounts = map[string]string{
	"title_login": "Moderator sign-in", "user_name": "User name", "password": "Password", "login": "Sign in",
	"login_note": "Only moderators sign in here. Anyone can read the", "login_wrong": "Wrong user name or password.",
	"login_throttled": "Too many failed attempts: wait a moment before trying again.",
	"login_stale":     "The form had expired; please sign in again.",
	"msg_logged_out":  "You are signed out.", "msg_password_changed": "Password changed: sign in with the new one.",
	"msg_user_added": "Account created.", "msg_user_saved": "Account updated.",
	"nav_users": "Users", "title_users": "Users", "user_role": "Role", "user_state": "State", "user_actions": "Actions",
	"user_active": "active", "user_disabled": "disabled", "user_enable": "Enable", "user_disable": "Disable",
	"new_password": "new password (10 characters or more)", "set_password": "Set password", "save": "Save",
	"choose_reason": "choose a reason…", "add_user": "Add a user",
	"users_cli": "Personal API tokens for scripts: `vigie user token NAME` (shown once, stored hashed).",
}

// enPlatform is the admin page of actions owed to platforms, in English.
var enPlatform = map[string]string{
	"nav_platform": "Platform", "title_platform": "Actions on the pages",
	"platform_intro":   "What Vigie owes the pages it moderates: hide a refused comment, show a reinstated one, delete where the page asks. Failed actions are listed here; an alert (an expired or revoked page token) needs an admin: renew the token, restart or reload, then retry.",
	"platform_pending": "to do", "platform_failed": "failed", "platform_alerts": "alerts",
	"platform_action": "Action", "platform_comment": "Comment", "platform_attempts": "Attempts", "platform_error": "Last error",
	"platform_alert": "alert", "platform_retry": "Retry", "platform_none": "No failed action.",
	"msg_blind_audit":      "This comment is in a blind audit: decide it here first; the automated decision is shown afterwards.",
	"msg_platform_retried": "The action is back in line.",
	"platform_banner":      "%d action(s) on the pages failed and need an admin (a page token?).",
}
