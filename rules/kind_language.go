package rules

// language: the detected language is not one of the configured languages
// (an unknown language never fires).
func init() { registerKind("language", ruleKind{compile: compileLanguage}) }

type languageRule struct{}

func compileLanguage(cc compileCtx, _ *rule, _ ruleSpec, _ *ruleCheck) matcher {
	if len(cc.o.Languages) == 0 {
		return nil // nothing is "outside the list" when there is no list
	}
	return languageRule{}
}

func (languageRule) match(c *classifier, r *rule) {
	if c.lang != "" && !contains(c.rs.languages, c.lang) {
		c.whole(r)
	}
}
