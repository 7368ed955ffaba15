package main

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
)

// The corpus: comments of about 140 bytes, French and English, built from
// fragments so that texts rarely repeat (the "repeated" rule refuses the same
// text from three authors, which would turn the benchmark into a benchmark of
// that rule). Every fragment is stored already JSON-escaped: escaping is per
// character, so a concatenation of escaped fragments is the escaped
// concatenation and the request body can be assembled without encoding/json.

// mix is the share of each kind of comment, out of 100.
const (
	pctInsult   = 10 // an insult the builtin packs refuse or send to review
	pctContact  = 7  // an e-mail address or a phone number (personal data)
	pctFrench   = 60 // the rest of the comments are English
	numAuthors  = 200000
	numThreads  = 40
	bodyBufSize = 512
)

type language struct {
	openers, middles, closers, insults, contacts []string
}

var corpus = [2]language{
	{ // French
		openers: esc(
			"Merci pour ces explications,",
			"Je ne suis pas d'accord avec vous :",
			"Bonjour, une question sur ce projet de loi :",
			"Article intéressant, mais",
			"Franchement,",
			"Encore une fois,",
			"Je lis vos publications depuis des années et",
			"Pour ceux qui se posent la question,",
			"Il faut quand même rappeler que",
			"Excellente initiative !",
			"Je travaille dans ce secteur et",
			"Petite remarque :",
			"Ma mère m'a transféré ce message,",
			"Sans vouloir polémiquer,",
			"Ça fait plaisir de voir que",
			"Vous oubliez un point essentiel :",
			"C'est bien beau tout ça, mais",
			"Question sincère :",
		),
		middles: esc(
			"le texte ne dit rien sur le contrôle des données collectées",
			"les chiffres publiés hier ne correspondent pas à ceux de l'an dernier",
			"personne n'explique comment les algorithmes seront évalués",
			"la commission a rendu un avis très réservé en mars",
			"les petites communes n'ont pas les moyens de suivre",
			"on attend toujours le décret d'application promis",
			"les associations n'ont pas été consultées sérieusement",
			"le calendrier me paraît beaucoup trop serré",
			"la réforme des retraites a montré les limites de la méthode",
			"les urgences de notre hôpital ferment encore ce week-end",
			"le prix du train pour aller travailler a doublé",
			"les enseignants du collège attendent des réponses claires",
			"votre infographie contient une erreur sur la deuxième ligne",
			"la consultation publique n'a duré que quinze jours",
			"le budget annoncé ne couvre même pas l'inflation",
			"les agriculteurs de la région sont inquiets pour la récolte",
			"le site officiel est introuvable depuis le téléphone",
			"les sources citées datent de plusieurs années",
		),
		closers: esc(
			"Pouvez-vous préciser ?",
			"Merci de corriger.",
			"On aimerait une réponse.",
			"Bonne journée à tous.",
			"À suivre de près.",
			"Je partage autour de moi.",
			"Affaire à suivre…",
			"Cordialement.",
			"Est-ce prévu ?",
			"Merci d'avance pour votre retour.",
			"C'est inquiétant.",
			"Bravo quand même.",
		),
		insults: esc(
			"Espèce de connard,",
			"Bande d'abrutis,",
			"Vous êtes vraiment des crétins,",
			"Quels imbéciles,",
			"Ministre débile,",
			"Bande de salauds,",
		),
		contacts: esc(
			"écrivez-moi à %s pour en parler,",
			"appelez-moi au %p si besoin,",
			"contact : %s ou %p,",
		),
	},
	{ // English
		openers: esc(
			"Thanks for explaining this,",
			"I have to disagree here:",
			"Quick question about the new bill:",
			"Interesting post, but",
			"Honestly,",
			"Once again,",
			"I've followed this page for years and",
			"For anyone wondering,",
			"Let's not forget that",
			"Great initiative!",
			"I work in this field and",
			"Small correction:",
			"My neighbour shared this with me,",
			"Not trying to start a fight, but",
			"Nice to see that",
			"You are missing the main point:",
			"That all sounds fine, but",
			"Genuine question:",
		),
		middles: esc(
			"the text says nothing about who controls the data that gets collected",
			"the figures published yesterday do not match last year's report",
			"nobody explains how the algorithms will actually be audited",
			"the committee gave a very cautious opinion back in March",
			"small towns simply cannot afford to keep up with this",
			"we are still waiting for the implementing regulations you promised",
			"charities were never seriously consulted on any of it",
			"the timetable looks far too tight to me",
			"the local hospital closes its emergency ward again this weekend",
			"my train fare to work has doubled in two years",
			"teachers at our school are still waiting for clear answers",
			"your chart has a mistake in the second row",
			"the public consultation only ran for two weeks",
			"the announced budget does not even cover inflation",
			"farmers around here are worried about this year's harvest",
			"the official site does not load on a phone",
			"the sources you quote are several years old",
		),
		closers: esc(
			"Could you clarify?",
			"Please correct it.",
			"We deserve an answer.",
			"Have a good day, everyone.",
			"Watching this closely.",
			"Sharing with friends.",
			"Let's see what happens…",
			"Best regards.",
			"Is that planned?",
			"Thanks in advance for replying.",
			"That is worrying.",
			"Well done anyway.",
		),
		insults: esc(
			"You absolute morons,",
			"What a bunch of idiots,",
			"Shut the fuck up,",
			"You stupid bastards,",
			"Pathetic imbeciles,",
			"Dumbass minister,",
		),
		contacts: esc(
			"email me at %s to discuss,",
			"call me on %p if needed,",
			"reach me at %s or %p,",
		),
	},
}

var firstNames = esc("Camille", "Louis", "Inès", "Hugo", "Léa", "Nathan", "Chloé", "Karim", "Emma", "Jules",
	"Olivia", "James", "Sophie", "Mohamed", "Amélie", "Noah", "Zoé", "Lucas", "Grace", "Thomas")

// esc JSON-escapes each string, without the surrounding quotes.
func esc(ss ...string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		b, _ := json.Marshal(s)
		out[i] = string(b[1 : len(b)-1])
	}
	return out
}

// generator builds request bodies; one per worker (not goroutine-safe).
type generator struct {
	rng    *rand.Rand
	prefix string // makes external ids unique across runs and workers
	n      int
	buf    []byte
}

func newGenerator(seed uint64, prefix string) *generator {
	return &generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), prefix: prefix, buf: make([]byte, 0, bodyBufSize)}
}

func (g *generator) pick(ss []string) string { return ss[g.rng.IntN(len(ss))] }

// text appends one JSON-escaped comment text to b.
func (g *generator) text(b []byte) []byte {
	lang := &corpus[1]
	if g.rng.IntN(100) < pctFrench {
		lang = &corpus[0]
	}
	kind := g.rng.IntN(100)
	switch {
	case kind < pctInsult:
		b = append(b, g.pick(lang.insults)...)
		b = append(b, ' ')
		b = appendLower(b, g.pick(lang.openers))
	case kind < pctInsult+pctContact:
		b = append(b, g.pick(lang.openers)...)
		b = append(b, ' ')
		b = g.contact(b, g.pick(lang.contacts))
	default:
		b = append(b, g.pick(lang.openers)...)
	}
	b = append(b, ' ')
	b = append(b, g.pick(lang.middles)...)
	// A number keeps texts apart without changing their character much.
	b = append(b, " ("...)
	b = strconv.AppendInt(b, int64(2+g.rng.IntN(60)), 10)
	b = append(b, ")"...)
	if g.rng.IntN(2) == 0 {
		b = append(b, '.')
	} else {
		b = append(b, ',')
		b = append(b, ' ')
		b = append(b, g.pick(lang.middles)...)
		b = append(b, '.')
	}
	b = append(b, ' ')
	return append(b, g.pick(lang.closers)...)
}

func appendLower(b []byte, s string) []byte {
	if s != "" && s[0] >= 'A' && s[0] <= 'Z' {
		return append(append(b, s[0]+'a'-'A'), s[1:]...)
	}
	return append(b, s...)
}

// contact fills %s with an e-mail address and %p with a phone number.
func (g *generator) contact(b []byte, tmpl string) []byte {
	for {
		i := strings.IndexByte(tmpl, '%')
		if i < 0 || i+1 >= len(tmpl) {
			return append(b, tmpl...)
		}
		b = append(b, tmpl[:i]...)
		switch tmpl[i+1] {
		case 's':
			b = append(b, "prenom.nom"...)
			b = strconv.AppendInt(b, int64(g.rng.IntN(1000)), 10)
			b = append(b, "@example.org"...)
		case 'p':
			b = append(b, "06 "...)
			for k := range 4 {
				if k > 0 {
					b = append(b, ' ')
				}
				d := g.rng.IntN(100)
				b = append(b, byte('0'+d/10), byte('0'+d%10))
			}
		}
		tmpl = tmpl[i+2:]
	}
}

// body returns the next request body; valid until the next call.
func (g *generator) body() []byte {
	g.n++
	author := g.rng.IntN(numAuthors)
	b := g.buf[:0]
	b = append(b, `{"source":"bench","external_id":"`...)
	b = append(b, g.prefix...)
	b = strconv.AppendInt(b, int64(g.n), 10)
	b = append(b, `","thread_id":"post-`...)
	b = strconv.AppendInt(b, int64(g.rng.IntN(numThreads)), 10)
	b = append(b, `","text":"`...)
	b = g.text(b)
	b = append(b, `","author":{"id":"fb-`...)
	b = strconv.AppendInt(b, int64(author), 10)
	b = append(b, `","name":"`...)
	b = append(b, firstNames[author%len(firstNames)]...)
	b = append(b, `"}}`...)
	g.buf = b
	return b
}
