package rules

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/pemistahl/lingua-go"
)

// Language detection in two steps, cheap first:
//
//  1. a stop-word vote over the tokens already normalised for matching
//     (common function words of fr, en, es, de, it, pt, nl). It answers
//     only with a clear margin: at least minVotes votes and twice as many
//     as the runner-up. It places ~80% of comments.
//  2. otherwise the n-gram step, on a bounded prefix of the text: the
//     table made from lingua-go's models (langtable.go: lingua-go's
//     low-accuracy computation, ~3.5 µs instead of ~190 µs a text, the
//     same answer on 99.97% of the shared texts) when it knows every
//     configured language, and lingua-go itself otherwise, built once
//     per Load with the configured languages plus a few likely others
//     (so that "outside the list" can be told). lingua-go's models load
//     in the background (~60 ms, ~60 MB) and the first text that needs
//     them waits; the table loads once per process (~0.5 ms).

// stopLangs are the languages the stop-word vote knows; bit i of a
// stopWords value is stopLangs[i].
var stopLangs = [...]string{"fr", "en", "es", "de", "it", "pt", "nl"}

// stopWords: frequent words, folded like comment tokens (no accents).
// Words shared by several languages vote for each of them.
var stopWords = buildStopWords(map[string]string{
	"fr": "le la les de des du un et est une je tu il elle nous vous ils elles pas que qui dans pour sur avec ce cet cette ces mais ou au aux sont etre etait suis avez avons sont ont fait tout tous toutes tres plus moins bien comme si leur leurs mon ma mes ton ta tes son sa ses notre votre nos vos lui meme aussi quand alors donc car rien jamais toujours deja encore ici cela ca c j n qu l d s m t y peut faut va vont sera ete avoir faire dire merci bonjour oui non quoi pourquoi comment parce quelque chose gens personne",
	"en": "the and is are was were be been to of in that it for on with you i he she we they not this these those have has had do does did but or at by from an will would can could should just all any what which who when where why how there their them his her my your our me him if so no yes than then about because very really think people like get got one out up only also some more most other into over such",
	"es": "el los las y es son una uno yo tu que de en por para con no pero como mas muy esta estan este esto eso ese lo le les se su sus mi mis nos porque cuando donde quien hay tiene tienen ser estar fue era todo todos nada siempre tambien gracias hola si",
	"de": "der die das und ist sind ein eine einen ich du er sie wir ihr nicht mit zu von den dem des auf fur aber wie auch noch nur schon sehr was wer wo warum weil dass ja nein hat haben war waren wird werden kann mich mir dich dir uns euch sich",
	"it": "il lo la gli le e che di un una uno sono non per con ma come piu molto questo questa quello quella io tu lui lei noi voi loro del della dei delle nel nella perche quando dove chi anche sempre tutto tutti niente ciao grazie ha hanno era",
	"pt": "o os a as e que de do da dos das em um uma eu voce ele ela nos eles elas nao para com mas como mais muito esta este isso esse essa seu sua meu minha porque quando onde quem tem ser estar foi era tudo todos nada sempre tambem obrigado ola sim",
	"nl": "de het een en is zijn ik jij je hij zij wij jullie niet met van op te voor maar hoe ook nog wel al wat wie waar waarom omdat dat die dit ja nee heeft hebben was waren wordt worden kan mij mijn jouw ons",
})

func buildStopWords(lists map[string]string) map[string]uint8 {
	m := map[string]uint8{}
	for i, l := range stopLangs {
		for _, w := range strings.Fields(lists[l]) {
			m[w] |= 1 << i
		}
	}
	return m
}

const (
	minVotes     = 2   // fewer stop words than this: not decisive
	minTokens    = 3   // on shorter texts lingua may only confirm a configured language
	linguaPrefix = 200 // bytes of text given to lingua
)

// extraLanguages are detected so that a comment in one of them can be told
// apart from the configured languages (and sent to review).
var extraLanguages = []lingua.Language{lingua.English, lingua.French, lingua.German,
	lingua.Spanish, lingua.Italian, lingua.Portuguese, lingua.Dutch, lingua.Arabic}

type langDetector struct {
	configured []string
	table      bool                    // the n-gram table (langtable.go) rather than lingua-go
	ready      chan struct{}           // closed once linguaDet is set (lingua-go only)
	linguaDet  lingua.LanguageDetector // read only after ready
}

// loadedLangTable parses the embedded table once per process (~0.5 ms):
// every Load and reload shares it.
var loadedLangTable = sync.OnceValues(func() (*langTable, error) { return parseLangTable(languageTableData) })

func newLangDetector(configured []string) *langDetector {
	d := &langDetector{configured: configured}
	if tableCovers(configured) {
		d.table = true
		go loadedLangTable() // in the background; the first text that needs it waits
		return d
	}
	langs := append([]lingua.Language{}, extraLanguages...)
	for _, c := range configured {
		l := lingua.GetLanguageFromIsoCode639_1(lingua.GetIsoCode639_1FromValue(strings.ToUpper(c)))
		if l != lingua.Unknown && !containsLang(langs, l) {
			langs = append(langs, l)
		}
	}
	d.ready = make(chan struct{})
	go func() {
		defer close(d.ready)
		d.linguaDet = lingua.NewLanguageDetectorBuilder().FromLanguages(langs...).
			WithLowAccuracyMode().WithPreloadedLanguageModels().Build()
	}()
	return d
}

// tableCovers reports whether the n-gram table knows every configured
// language (Arabic is told by its script).
func tableCovers(configured []string) bool {
	for _, c := range configured {
		if c != "ar" && !contains(tableLanguages, c) {
			return false
		}
	}
	return true
}

// lingua returns the lingua detector, once its models are loaded.
func (d *langDetector) lingua() lingua.LanguageDetector {
	<-d.ready
	return d.linguaDet
}

func containsLang(list []lingua.Language, l lingua.Language) bool {
	for _, x := range list {
		if x == l {
			return true
		}
	}
	return false
}

// detect returns an ISO 639-1 code, or "" when unsure.
func (d *langDetector) detect(nt *normText) string {
	if l, ok := voteStopWords(nt); ok {
		return l
	}
	if len(nt.toks) < minTokens {
		// One or two words: lingua's answer is kept only when it is one of
		// the configured languages (it usually is right on those: "Typical
		// bitchbehaviour."); another language is not trusted on so little,
		// and would send the comment to review as off-language.
		if l := d.detectNgrams(nt); contains(d.configured, l) {
			return l
		}
		return ""
	}
	l := d.detectNgrams(nt)
	if l != "" && !contains(d.configured, l) {
		// Low-accuracy lingua is often wrong on short texts ("Macron est un
		// abruti" reads as Italian, "Boris Johnson lied to Parliament" too).
		// Before sending a comment to review as off-language, and turning
		// off the rules of its real language, trust the stop words when they
		// favour a configured language over lingua's answer.
		if c, ok := leadingConfigured(nt, d.configured, l); ok {
			return c
		}
	}
	return l
}

// leadingConfigured returns the configured language with the most stop
// words in nt, when it has more than other, the language lingua chose.
func leadingConfigured(nt *normText, configured []string, other string) (string, bool) {
	votes := stopVotes(nt)
	best, bestV, otherV := "", 0, 0
	for k, l := range stopLangs {
		if l == other {
			otherV = votes[k]
		}
		if contains(configured, l) && votes[k] > bestV {
			best, bestV = l, votes[k]
		}
	}
	return best, best != "" && bestV > otherV
}

// detectNgrams is the n-gram step: the table when it covers the
// configured languages, lingua-go otherwise, on a bounded prefix.
func (d *langDetector) detectNgrams(nt *normText) string {
	s := nt.src
	if len(s) > linguaPrefix {
		cut := linguaPrefix
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	if d.table {
		t, err := loadedLangTable()
		if err != nil {
			// A broken embedded table is a build fault, which
			// TestLanguageTableRebuilds catches; it answers nothing.
			return ""
		}
		return t.detect(s, &nt.lang)
	}
	l, ok := d.lingua().DetectLanguageOf(s)
	if !ok {
		return ""
	}
	return toISO(l)
}

func toISO(l lingua.Language) string { return strings.ToLower(l.IsoCode639_1().String()) }

// stopVotes counts the stop words of each language of stopLangs in nt.
func stopVotes(nt *normText) [len(stopLangs)]int {
	var votes [len(stopLangs)]int
	for i := range nt.toks {
		bits := stopWords[string(nt.word(i))]
		for k := 0; bits != 0; k, bits = k+1, bits>>1 {
			if bits&1 != 0 {
				votes[k]++
			}
		}
	}
	return votes
}

// voteStopWords counts stop words per language and answers only when one
// language clearly leads.
func voteStopWords(nt *normText) (string, bool) {
	votes := stopVotes(nt)
	best, second := -1, 0
	for k, v := range votes {
		if best < 0 || v > votes[best] {
			if best >= 0 {
				second = max(second, votes[best])
			}
			best = k
		} else {
			second = max(second, v)
		}
	}
	if votes[best] >= minVotes && votes[best] >= 2*second && votes[best]-second >= minVotes {
		return stopLangs[best], true
	}
	return "", false
}
