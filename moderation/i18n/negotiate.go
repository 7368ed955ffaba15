package i18n

import "golang.org/x/text/language"

// matcher picks among Languages, default first.
var matcher = language.NewMatcher([]language.Tag{language.French, language.English})

// Negotiate picks the language to speak from a choice the person made (a
// ?lang= parameter or a remembered cookie, tried in order) and else from
// their browser's Accept-Language header; French when nothing matches.
func Negotiate(acceptLanguage string, choices ...string) string {
	for _, c := range choices {
		if Supported(c) {
			return c
		}
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Languages[0]
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return Languages[0]
	}
	return Languages[i]
}
