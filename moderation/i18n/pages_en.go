package i18n

// enPages is frPages in English.
var enPages = map[string]string{
	"err_out_of_scope": "This comment belongs to a page you do not moderate.",
	"page":             "Page",
	"pub_pages":        "Pages",
	"pub_pages_note":   "Each page has its own report; the figures of the pages add up to those above.",
	"pub_all_pages":    "All pages",
	"pub_page_unknown": "There is no page with this name.",
}
