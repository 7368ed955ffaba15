package reports

// Policy is the page's published moderation policy, as the reports need it.
// The lead fills it from the rules engine's categories; reports does not
// import rules, so the figures cannot depend on how a verdict was reached.
type Policy struct {
	Categories []Category
}

// Category is one reason a comment may be refused.
type Category struct {
	ID          string
	Label       map[string]string // by language: "fr", "en"
	Description map[string]string
	// DSACategory is the Transparency Database category it maps to, with or
	// without the STATEMENT_CATEGORY_ prefix (e.g. "ILLEGAL_OR_HARMFUL_SPEECH").
	DSACategory string
	// Ground is "law" (illegal content) or "terms" (incompatible with the
	// page's terms); it picks the statement of reasons' decision ground.
	Ground string
	// LegalGround is the law relied on when Ground is "law", e.g.
	// "Loi du 29 juillet 1881, art. 24" (≤500 characters).
	LegalGround string
	// Keywords are optional KEYWORD_* specifications for statements.
	Keywords []string
}

// Find returns the category with the given id.
func (p Policy) Find(id string) (Category, bool) {
	for _, c := range p.Categories {
		if c.ID == id {
			return c, true
		}
	}
	return Category{}, false
}

// LabelFor is the category's label in lang, falling back to English, French,
// then the id itself (a category no longer in the policy keeps its figures).
func (p Policy) LabelFor(id, lang string) string {
	c, ok := p.Find(id)
	if !ok {
		return id
	}
	return pick(c.Label, lang, id)
}

func pick(m map[string]string, lang, fallback string) string {
	for _, l := range []string{lang, "en", "fr"} {
		if v := m[l]; v != "" {
			return v
		}
	}
	return fallback
}
