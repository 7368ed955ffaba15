// Package i18n holds every string a person reads in Vigie, in French and in
// English: the public report, the moderator UI, error pages and the text
// report. One table per language (fr.go, en.go), split by area; a key
// missing from a language falls back to French, and a test checks that both
// languages have the same keys.
package i18n

// Languages are the languages Vigie speaks to people, default first.
var Languages = []string{"fr", "en"}

// catalogs maps a language to its strings; built once from the area tables.
var catalogs = map[string]map[string]string{
	"fr": merge(frAreas...),
	"en": merge(enAreas...),
}

func merge(areas ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, a := range areas {
		for k, v := range a {
			if _, dup := out[k]; dup {
				panic("i18n: key defined twice: " + k)
			}
			out[k] = v
		}
	}
	return out
}

// T returns the string for key in lang, falling back to French, then to the
// key itself (so a missing string shows, rather than an empty space).
func T(lang, key string) string {
	if s, ok := catalogs[lang][key]; ok {
		return s
	}
	if s, ok := catalogs["fr"][key]; ok {
		return s
	}
	return key
}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}
