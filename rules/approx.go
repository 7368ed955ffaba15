package rules

// Approximate matching, for the entries of rules and sets that opt in
// (`fuzzy: true` / `glued: true` on a words rule, `fuzzy_sets:` /
// `glued_sets:` in a pack). It looks at tokens that matched nothing
// exactly (and, for two glued entries, at long tokens that matched, say
// as a stem: "verminetrans"), so its cost is bounded and an ordinary word that is in some list
// (a set, an exception) is never re-read as a near miss.
//
//   - glued: a token made of a function word and an entry of at least
//     minGlued letters, without the space ("cebougnoule", "lanausee",
//     "pendretous"); or two such entries, with at most a function word
//     between them ("verminetrans", "orduresdehomos"). The function words
//     are the French and English stop words of lang.go of two to five
//     letters, so "montenegro" is not "negro": "monte" is not one.
//   - fuzzy: a token of at least minFuzzy letters at Damerau-Levenshtein
//     distance 1 from an entry, first letter unchanged: two neighbours
//     swapped for entries of minFuzzy letters or more ("detetse", "moruir",
//     "connrad"); one letter deleted, added or replaced only for entries of
//     minFuzzyEdit letters or more, because shorter words one such edit
//     apart are too often both ordinary ("demain"/"dedain",
//     "regard"/"retard", "prendre"/"pendre"). Candidates come from a
//     symmetric-delete index: every entry is stored with each of its
//     one-letter deletions, hashed, and a token looks up its own deletions,
//     so there is no edit-distance loop over the entries. A refuse rule
//     matched this way only sends to review: a near miss is a guess.
//     `fuzzy_except:` lists ordinary words one edit away from an entry
//     ("bavard" for "batard").

const (
	minGlued      = 5  // letters of an entry found glued to a function word
	minGluedToken = 7  // shortest token tried for gluing
	maxGlueWord   = 5  // longest function word glued to an entry
	minFuzzy      = 6  // letters of a fuzzy entry (swap) and of the token
	minFuzzyEdit  = 8  // letters of a fuzzy entry for a deletion, insertion or substitution
	maxFuzzyToken = 40 // longer tokens are not tried
)

// approxKind says how a hit was found.
type approxKind uint8

const (
	approxNone approxKind = iota
	approxGlued
	approxFuzzy
	approxPair // one of two entries glued into one token
	// approxUndoubled: an entry with a doubled letter read in a token
	// without it ("conard" for "connard"), see wordIndex.lookup.
	approxUndoubled
)

// soft reports whether a hit of this kind is a guess: a refuse rule matched
// this way only sends to review.
func (k approxKind) soft() bool { return k == approxFuzzy || k == approxUndoubled }

// approxOpts are the approximate matchings an entry opts into.
type approxOpts struct{ fuzzy, glued bool }

// glueWords are the function words that may be glued to an entry (the
// value says whether also after it).
var glueWords = func() map[string]bool {
	m := map[string]bool{}
	for w, bits := range stopWords {
		if bits&3 != 0 && len(w) >= 2 && len(w) <= maxGlueWord { // fr, en
			m[w] = !particles[w]
		}
	}
	return m
}()

// glueFirst2 has a bit for the first two letters of every glue word: a
// bit test in front of the map.
var glueFirst2 = func() (t [28*28/64 + 1]uint64) {
	for w := range glueWords {
		g := glue2([]byte(w))
		t[g/64] |= 1 << (g % 64)
	}
	return t
}()

// glue2 numbers the first two letters of w (len(w) >= 2).
func glue2(w []byte) int { return gram3(w[:2]) / 28 }

// isGlueWord reports whether w is a glue word, and whether it may follow
// the entry.
func isGlueWord(w []byte) (ok, after bool) {
	if g := glue2(w); glueFirst2[g/64]&(1<<(g%64)) == 0 {
		return false, false
	}
	after, ok = glueWords[string(w)]
	return ok, after
}

// particles make ordinary English compounds after a verb ("shootout",
// "hangover"): never read as a function word glued after an entry.
var particles = map[string]bool{"out": true, "up": true, "off": true, "on": true, "in": true, "over": true,
	"down": true, "back": true, "away": true, "by": true, "about": true, "into": true}

// findGlued looks in token w for an entry glued to function words
// ([function word] entry [function word]: "cebougnoule"), or for two
// entries glued, with at most a function word between them
// ("orduresdehomos", "verminetrans").
func (ix *wordIndex) findGlued(i int, w []byte, dst []hit, start int) []hit {
	dst, found := ix.wrapped(i, w, false, approxGlued, dst, start)
	if found {
		return dst
	}
	return ix.findPair(i, w, dst, start)
}

// findPair looks for two glued entries in w, also when the first one
// already matched as a stem ("verminetrans" for vermine*).
func (ix *wordIndex) findPair(i int, w []byte, dst []hit, start int) []hit {
	if len(w) < 2*minGlued || !hasGram(ix.wordGrams, w) && !hasGram(ix.prefGrams, w) {
		return dst // too short, or no entry starts the token
	}
	for p := minGlued; p <= len(w)-minGlued; p++ {
		mid := len(dst)
		var left, right bool
		if dst, left = ix.entryAt(i, w[:p], true, approxPair, dst, start); !left {
			continue
		}
		if dst, right = ix.wrapped(i, w[p:], true, approxPair, dst, start); right {
			return dst
		}
		dst = dst[:mid]
	}
	return dst
}

// wrapped finds [function word] entry [function word] in w; bare allows
// the entry alone.
func (ix *wordIndex) wrapped(i int, w []byte, bare bool, kind approxKind, dst []hit, start int) ([]hit, bool) {
	n, found := len(w), false
	ends := 0 // bit b: w ends with a glue word of b letters (bit 0: none); computed once needed
	for a := 0; a <= maxGlueWord && n-a >= minGlued; a++ {
		if a == 1 {
			continue
		}
		if a > 1 {
			if ok, _ := isGlueWord(w[:a]); !ok {
				continue
			}
		}
		if !hasGram(ix.wordGrams, w[a:]) && !hasGram(ix.prefGrams, w[a:]) {
			continue // no entry starts here
		}
		if ends == 0 {
			ends = 1
			for b := 2; b <= maxGlueWord && n-b >= minGlued; b++ {
				if _, after := isGlueWord(w[n-b:]); after {
					ends |= 1 << b
				}
			}
		}
		for b := 0; b <= maxGlueWord && n-a-b >= minGlued; b++ {
			if a+b == 0 && !bare || ends&(1<<b) == 0 {
				continue
			}
			var ok bool
			dst, ok = ix.entryAt(i, w[a:n-b], b == 0, kind, dst, start)
			found = found || ok
		}
	}
	return dst, found
}

// entryAt appends the glued entries whose key is m, or, when open, whose
// stem starts m.
func (ix *wordIndex) entryAt(i int, m []byte, open bool, kind approxKind, dst []hit, start int) ([]hit, bool) {
	found := false
	if hasGram(ix.wordGrams, m) {
		for _, e := range ix.words[string(m)].exact {
			if e.glued && len(e.rest) == 0 && !e.prefix {
				dst, found = addHit(dst, start, hit{e.target, int32(i), int32(i), kind}), true
			}
		}
	}
	if !open || !hasGram(ix.prefGrams, m) {
		return dst, found
	}
	for l := max(ix.minPref, minGlued); l <= ix.maxPref && l <= len(m); l++ {
		if ix.prefLens&(1<<min(l, 63)) == 0 {
			continue
		}
		for _, e := range ix.prefs[string(m[:l])].exact {
			if e.glued {
				dst, found = addHit(dst, start, hit{e.target, int32(i), int32(i), kind}), true
			}
		}
	}
	return dst, found
}

// fuzzyIndex is the symmetric-delete index of the fuzzy entries.
type fuzzyIndex struct {
	keys     []fuzzyKey
	cands    map[uint64][]int32 // hash of a key or of one of its deletions -> keys
	bloom    []uint64           // bit per hash of cands: most lookups stop here
	stemLens uint64             // lengths of the prefix keys
	except   map[string]bool
	// Cheap tests in front of the hashing: bit m of keyPair[c*27+d] says
	// some key of m letters starts with c and has d second or third (one
	// edit keeps the first letter and moves the second by one at most),
	// stemPair the same for stems only.
	keyPair  [27 * 27]uint64
	stemPair [27 * 27]uint64
}

func letterCode(b byte) int {
	if 'a' <= b && b <= 'z' {
		return int(b - 'a')
	}
	return 26
}

type fuzzyKey struct {
	key     string
	prefix  bool // a wildcard stem: compared with the start of the token
	entries []wordEntry
}

const bloomBits = 1 << 16

func newFuzzyIndex() *fuzzyIndex {
	return &fuzzyIndex{cands: map[uint64][]int32{}, bloom: make([]uint64, bloomBits/64), except: map[string]bool{}}
}

func (fz *fuzzyIndex) add(key string, prefix bool, e wordEntry) {
	for i := range fz.keys {
		if k := &fz.keys[i]; k.key == key && k.prefix == prefix {
			k.entries = append(k.entries, e)
			return
		}
	}
	id := int32(len(fz.keys))
	fz.keys = append(fz.keys, fuzzyKey{key: key, prefix: prefix, entries: []wordEntry{e}})
	bit := uint64(1) << min(len(key), 63)
	c0 := letterCode(key[0])
	fz.keyPair[c0*27+letterCode(key[1])] |= bit
	fz.keyPair[c0*27+letterCode(key[2])] |= bit
	if prefix {
		fz.stemLens |= bit
		fz.stemPair[c0*27+letterCode(key[1])] |= bit
		fz.stemPair[c0*27+letterCode(key[2])] |= bit
	}
	var ph [maxFuzzyToken + 1]uint64
	b := []byte(key)
	if len(b) > maxFuzzyToken {
		return
	}
	prefixHashes(b, ph[:])
	var hs [maxFuzzyToken + 1]uint64
	for _, h := range variants(ph[:], len(b), hs[:0]) {
		if l := fz.cands[h]; len(l) == 0 || l[len(l)-1] != id {
			fz.cands[h] = append(l, id)
		}
		fz.bloom[(h>>48)/64] |= 1 << ((h >> 48) % 64)
	}
}

const hashBase = 1099511628211

var hashPow = func() (p [maxFuzzyToken + 1]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * hashBase
	}
	return p
}()

// prefixHashes sets ph[i] to the polynomial hash of w[:i].
func prefixHashes(w []byte, ph []uint64) {
	ph[0] = 0
	for i, c := range w {
		ph[i+1] = ph[i]*hashBase + uint64(c) + 1
	}
}

// variants appends the hash of w[:k] and of each of its one-letter
// deletions but the first letter's, given the prefix hashes of w.
func variants(ph []uint64, k int, dst []uint64) []uint64 {
	dst = append(dst, ph[k])
	for p := 1; p < k; p++ {
		// w[:p] + w[p+1:k]
		dst = append(dst, ph[p]*hashPow[k-1-p]+ph[k]-ph[p+1]*hashPow[k-1-p])
	}
	return dst
}

// find appends the fuzzy hits of token i (w, not matched exactly).
func (fz *fuzzyIndex) find(i int, w []byte, dst []hit, start int) []hit {
	n := len(w)
	if n < minFuzzy || n > maxFuzzyToken {
		return dst
	}
	before := len(dst)
	var ph [maxFuzzyToken + 1]uint64
	hashed := false
	// Lengths of the token's prefixes worth trying: the whole token, and
	// the length of a stem (inside a longer token only a swap counts,
	// which keeps the length).
	c0 := letterCode(w[0])
	pair := fz.stemPair[c0*27+letterCode(w[1])]
	for k := minFuzzy; k <= n; k++ {
		if k < n && (k >= 64 || pair&(1<<k) == 0) {
			continue
		}
		if k == n && n < 63 && (fz.keyPair[c0*27+letterCode(w[1])]|fz.keyPair[c0*27+letterCode(w[2])])&(7<<(n-1)) == 0 {
			continue
		}
		if !hashed {
			prefixHashes(w, ph[:])
			hashed = true
		}
		var hs [maxFuzzyToken + 1]uint64
		for _, h := range variants(ph[:], k, hs[:0]) {
			if fz.bloom[(h>>48)/64]&(1<<((h>>48)%64)) == 0 {
				continue
			}
			for _, id := range fz.cands[h] {
				key := &fz.keys[id]
				m := len(key.key)
				if k < n && !key.prefix || m < k-1 || m > k+1 {
					continue
				}
				// Inside a longer token (a stem and its ending) only a swap
				// counts: "criminol(ogy)" is not "criminel".
				if d := editOne(w[:k], key.key); d == editNone || d == editOther && (m < minFuzzyEdit || k < n) {
					continue
				}
				for _, e := range key.entries {
					dst = addHit(dst, start, hit{e.target, int32(i), int32(i), approxFuzzy})
				}
			}
		}
	}
	if len(dst) > before && fz.except[string(w)] {
		return dst[:before] // an ordinary word (checked last: it is rare)
	}
	return dst
}

// edit is the kind of difference editOne found.
type edit uint8

const (
	editNone  edit = iota // more than one edit, or another first letter
	editSame              // equal
	editSwap              // two neighbours swapped
	editOther             // one deletion, insertion or substitution
)

// editOne compares a and b, which must start with the same letter, up to
// Damerau-Levenshtein distance 1.
func editOne(a []byte, b string) edit {
	if len(a) == 0 || len(b) == 0 || a[0] != b[0] {
		return editNone
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	switch {
	case len(a) == len(b):
		switch {
		case i == len(a):
			return editSame
		case string(a[i+1:]) == b[i+1:]:
			return editOther // substitution
		case i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && string(a[i+2:]) == b[i+2:]:
			return editSwap
		}
	case len(a) == len(b)+1 && string(a[i+1:]) == b[i:]: // a has one more letter
		return editOther
	case len(a)+1 == len(b) && string(a[i:]) == b[i+1:]: // a lacks one letter
		return editOther
	}
	return editNone
}
