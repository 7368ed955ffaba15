package rules

// words: a word or phrase of the list occurs as whole tokens of the
// normalised text (words.go). Its entries go into the word index shared
// by every rule and set, searched once per comment by Classify, so the
// rule has no matcher of its own.
func init() { registerKind("words", ruleKind{compile: compileWords}) }

func compileWords(cc compileCtx, r *rule, sp ruleSpec, rc *ruleCheck) matcher {
	if len(sp.Words) == 0 {
		rc.add("words", "words: the list is empty")
	}
	for _, w := range sp.Words {
		if err := cc.rs.words.add(cc.target, w, approxOpts{fuzzy: sp.Fuzzy, glued: sp.Glued}); err != nil {
			rc.add("words", "words: %v", err)
		}
	}
	if r.allow && !r.shadow {
		cc.rs.allowWords = true // an exception: Classify hides the set words inside it
	}
	return nil
}
