package i18n

// frPages are the strings of pages: scope errors in the moderator UI and
// the per-page public reports.
var frPages = map[string]string{
	"err_out_of_scope": "Ce commentaire appartient à une page que vous ne modérez pas.",
	"page":             "Page",
	"pub_pages":        "Pages",
	"pub_pages_note":   "Chaque page a son propre rapport ; les chiffres des pages s'additionnent pour donner ceux ci-dessus.",
	"pub_all_pages":    "Toutes les pages",
	"pub_page_unknown": "Aucune page ne porte ce nom.",
}
