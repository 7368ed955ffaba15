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

// feature is one occurrence of an n-gram: its bucket (char block first,
// then the word block) and its first and last tokens, for the explanation
// of a verdict (which highlights whole words).
type feature struct {
	idx    uint32
	ti, tj int32
}

// appendFeatures adds every n-gram occurrence of nt to out.
func appendFeatures(nt *normText, out []feature) []feature {
	for i := range nt.toks {
		t := nt.toks[i]
		w := nt.norm[t.ns:t.ne]
		padded := len(w) + 2
		at := func(k int) byte {
			if k == 0 || k == padded-1 {
				return ' '
			}
			return w[k-1]
		}
		for s := 0; s+charGramMin <= padded; s++ {
			h := uint64(fnvOffset)
			for n := 1; n <= charGramMax && s+n <= padded; n++ {
				h = (h ^ uint64(at(s+n-1))) * fnvPrime
				if n < charGramMin {
					continue
				}
				out = append(out, feature{uint32(h & (charBuckets - 1)), int32(i), int32(i)})
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
			out = append(out, feature{charBuckets + uint32(h&(wordBuckets-1)), int32(i), int32(i + n - 1)})
		}
	}
	return out
}

// counted is one distinct bucket of a comment: how many times it occurs
// and its first occurrence (an index into the features).
type counted struct {
	idx   uint32
	count float32
	first int32
}

// featureScratch is the per-call memory of feature extraction, pooled so
// that scoring allocates nothing once warm.
type featureScratch struct {
	feats []feature
	slots []int32 // open-addressing table: index+1 into uniq, 0 empty
	uniq  []counted
}

var featurePool = sync.Pool{New: func() any { return new(featureScratch) }}

// maxPooledFeatures bounds what a pooled scratch keeps (a huge comment
// must not pin its buffers).
const maxPooledFeatures = 1 << 15

func (fs *featureScratch) release() {
	if cap(fs.feats) > maxPooledFeatures {
		return
	}
	featurePool.Put(fs)
}

// count gathers the features of nt by bucket, in order of first
// occurrence. A small open-addressing table sized to the comment costs
// less than sorting the ~300 occurrences of a short comment.
func (fs *featureScratch) count(nt *normText) []counted {
	fs.feats = appendFeatures(nt, fs.feats[:0])
	size := 64
	for size < 2*len(fs.feats) {
		size *= 2
	}
	if cap(fs.slots) < size {
		fs.slots = make([]int32, size)
	}
	slots := fs.slots[:size]
	clear(slots)
	uniq := fs.uniq[:0]
	for fi, f := range fs.feats {
		p := (f.idx * 2654435761) & uint32(size-1)
		for {
			s := slots[p]
			if s == 0 {
				uniq = append(uniq, counted{f.idx, 1, int32(fi)})
				slots[p] = int32(len(uniq))
				break
			}
			if uniq[s-1].idx == f.idx {
				uniq[s-1].count++
				break
			}
			p = (p + 1) & uint32(size-1)
		}
	}
	fs.uniq = uniq
	return uniq
}
