package rules

import "sync"

// The text model's features (specs/model.md): hashed character n-grams of
// 2 to 5 bytes inside word boundaries (each token padded with a space on
// both sides, as scikit-learn's char_wb) and word unigrams and bigrams,
// over the normalised text of the word rules, so leet, look-alikes and
// accents fold the same way for the model as for the lists. The two blocks
// hash into their own buckets, and each block is L2-normalised separately.
const (
	charBits     = 18
	wordBits     = 16
	charBuckets  = 1 << charBits
	wordBuckets  = 1 << wordBits
	numFeatures  = charBuckets + wordBuckets
	charGramMin  = 2
	charGramMax  = 5
	wordGramMax  = 2
	fnvOffset    = 14695981039346656037
	fnvPrime     = 1099511628211
	wordHashSeed = 0x9e3779b97f4a7c15 // keeps a word's hash apart from the same letters as a char n-gram
)

// counted is one distinct bucket of a comment (char block first, then the
// word block): how many times it occurs, and the first and last tokens of
// its first occurrence, for the explanation of a verdict (which
// highlights whole words).
type counted struct {
	idx    uint32
	count  float32
	ti, tj int32
}

// featureScratch is the per-call memory of feature extraction, pooled so
// that scoring allocates nothing once warm.
type featureScratch struct {
	slots []int32 // open-addressing table: index+1 into uniq, 0 empty
	mask  uint32  // len(slots)-1
	uniq  []counted
	pad   []byte // one token with a space on each side
}

var featurePool = sync.Pool{New: func() any { return new(featureScratch) }}

// maxPooledFeatures bounds what a pooled scratch keeps (a huge comment
// must not pin its buffers).
const maxPooledFeatures = 1 << 15

func (fs *featureScratch) release() {
	if cap(fs.uniq) > maxPooledFeatures || cap(fs.slots) > 4*maxPooledFeatures {
		return
	}
	featurePool.Put(fs)
}

// count gathers the n-grams of nt by bucket, in order of first occurrence:
// the char n-grams of each token in turn (by start, then length), then the
// word unigram and bigram starting at each token. Each occurrence goes
// straight into a small open-addressing table sized to the comment: that
// costs less than sorting the ~300 occurrences of a short comment, and
// half as much as listing them first (the list was only read back once).
func (fs *featureScratch) count(nt *normText) []counted {
	n := 0 // an upper bound of the occurrences
	for _, t := range nt.toks {
		n += (charGramMax-charGramMin+1)*int(t.ne-t.ns+2) + wordGramMax
	}
	size := 64
	for size < 2*n {
		size *= 2
	}
	if cap(fs.slots) < size {
		fs.slots = make([]int32, size)
	}
	fs.slots = fs.slots[:size]
	clear(fs.slots)
	fs.mask = uint32(size - 1)
	fs.uniq = fs.uniq[:0]
	for i := range nt.toks {
		t := nt.toks[i]
		pad := append(append(append(fs.pad[:0], ' '), nt.norm[t.ns:t.ne]...), ' ')
		fs.pad = pad
		for s := 0; s+charGramMin <= len(pad); s++ {
			h := uint64(fnvOffset)
			h = (h ^ uint64(pad[s])) * fnvPrime
			for _, c := range pad[s+1 : min(s+charGramMax, len(pad))] {
				h = (h ^ uint64(c)) * fnvPrime
				fs.add(uint32(h&(charBuckets-1)), int32(i), int32(i))
			}
		}
	}
	for i := range nt.toks {
		h := uint64(wordHashSeed)
		for n := 1; n <= wordGramMax && i+n <= len(nt.toks); n++ {
			if n > 1 {
				h = (h ^ ' ') * fnvPrime
			}
			for _, c := range nt.collapsedOrWord(i + n - 1) {
				h = (h ^ uint64(c)) * fnvPrime
			}
			fs.add(charBuckets+uint32(h&(wordBuckets-1)), int32(i), int32(i+n-1))
		}
	}
	return fs.uniq
}

// add counts one occurrence of bucket idx, from token ti to tj.
func (fs *featureScratch) add(idx uint32, ti, tj int32) {
	p := (idx * 2654435761) & fs.mask
	for {
		s := fs.slots[p]
		if s == 0 {
			fs.uniq = append(fs.uniq, counted{idx: idx, count: 1, ti: ti, tj: tj})
			fs.slots[p] = int32(len(fs.uniq))
			return
		}
		if u := &fs.uniq[s-1]; u.idx == idx {
			u.count++
			return
		}
		p = (p + 1) & fs.mask
	}
}
