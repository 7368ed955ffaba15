package rules

import (
	"regexp"
	"strings"
)

// Personal data and links are found on the original text with regexps.
// Each regexp sits behind a cheap byte test ('@', enough digits, a '.'),
// because a regexp costs 2-4 µs per comment even when it does not match;
// with the tests most comments never run them.

var (
	reEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	// French numbers (0X XX XX XX XX, +33 X XX...), international
	// numbers written with a leading +, UK mobiles (07XXX XXXXXX) and
	// North American numbers written with separators ((555) 214-7789,
	// 555-214-7789). UK service numbers (03XX, 08XX) are not personal.
	rePhone = regexp.MustCompile(`(?:(?:\+|00)33[\s.\-]?(?:\(0\)[\s.\-]?)?|\b0)[1-9](?:[\s.\-]?\d{2}){4}\b|\+[1-9]\d{0,2}(?:[\s.\-]?\d){7,12}\b|\b07\d{3}[\s\-]?\d{3}[\s\-]?\d{3}\b|(?:\(\d{3}\)\s?|\b\d{3}[.\-])\d{3}[.\-]\d{4}\b`)
	reIBAN  = regexp.MustCompile(`(?i)\b[a-z]{2}\d{2}(?: ?[a-z0-9]{4}){2,7}(?: ?[a-z0-9]{1,4})?\b`)
	reLink  = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"']+|\b(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+(?:com|net|org|fr|io|co|ly|me|info|biz|xyz|ru|be|ch|ca|uk|de|eu|app|link|site|online|shop|top|gl|tk|tv|gg|us|to|cc|club|live|store)\b(?:/[^\s<>"']*)?`)
)

type span struct{ start, end int }

func findEmails(s string) []span {
	if strings.IndexByte(s, '@') < 0 {
		return nil
	}
	return toSpans(reEmail.FindAllStringIndex(s, -1))
}

func findPhones(s string) []span {
	if countDigits(s) < 8 {
		return nil
	}
	return toSpans(rePhone.FindAllStringIndex(s, -1))
}

func findIBANs(s string) []span {
	if countDigits(s) < 10 {
		return nil
	}
	var out []span
	for _, m := range reIBAN.FindAllStringIndex(s, -1) {
		if ibanValid(s[m[0]:m[1]]) {
			out = append(out, span{m[0], m[1]})
		}
	}
	return out
}

// ibanValid checks the ISO 13616 mod-97 checksum, so that a long reference
// number is not mistaken for a bank account.
func ibanValid(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	s = s[4:] + s[:4]
	rem := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A'+10)) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// link is a URL or bare domain and its host.
type link struct {
	span
	host string
}

func findLinks(s string) []link {
	if !mayHaveLink(s) {
		return nil
	}
	var out []link
	for _, m := range reLink.FindAllStringIndex(s, -1) {
		if m[0] > 0 && s[m[0]-1] == '@' { // the domain of an e-mail address
			continue
		}
		out = append(out, link{span{m[0], m[1]}, hostOf(s[m[0]:m[1]])})
	}
	return out
}

// mayHaveLink is the cheap test in front of reLink: a dot directly
// followed by a letter or digit ("example.com", not "fin. Puis").
func mayHaveLink(s string) bool {
	for i := strings.IndexByte(s, '.'); i >= 0 && i+1 < len(s); {
		c := s[i+1] | 0x20
		if c >= 'a' && c <= 'z' || s[i+1] >= '0' && s[i+1] <= '9' {
			return true
		}
		j := strings.IndexByte(s[i+1:], '.')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

func hostOf(u string) string {
	u = strings.ToLower(u)
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexAny(u, "/?#:"); i >= 0 {
		u = u[:i]
	}
	return strings.TrimPrefix(u, "www.")
}

// hostIn reports whether host is one of the domains or a subdomain of one.
func hostIn(host string, domains []string) bool {
	for _, d := range domains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

func toSpans(m [][]int) []span {
	out := make([]span, len(m))
	for i, x := range m {
		out[i] = span{x[0], x[1]}
	}
	return out
}
