package rules

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
)

// A model rule scores a comment with a logistic regression over hashed
// n-grams (features.go) and fires at two thresholds: refuse and review.
// Its matches are the n-grams that pushed the score most, so a verdict
// explains itself like a word rule's.

//go:embed packs/*.vmodel
var builtinModels embed.FS

// textModel is a loaded model file; never modified after loading.
type textModel struct {
	hash string // hex SHA-256 of the file, part of the ruleset version
	bias float32
	// buckets holds each bucket's IDF and weight side by side: scoring
	// reads both, and one cache line per n-gram instead of two is most of
	// its cost on a 2.6 MB table.
	buckets []modelBucket // numFeatures
	// filled, when not nil, is closed once buckets is built (a built-in
	// model's table is built in the background: checkModel); built says
	// so without touching the channel's lock at every score.
	filled <-chan struct{}
	built  atomic.Bool
}

type modelBucket struct{ idf, weight float32 }

// modelFile layout, version 1, little-endian:
//
//	"VIGIEMDL" | version u16 | charBits, wordBits, charGramMin, charGramMax, wordGramMax, 0 (u8 each)
//	bias f32 | default idf f32 (buckets no training text had) | n u32
//	n × (bucket u32, idf f32, weight f32), buckets ascending
//	SHA-256 of everything before
//
// The feature layout is in the header: a file made for other n-grams or
// bucket counts is refused rather than scored wrongly.
const (
	modelMagic   = "VIGIEMDL"
	modelVersion = 1
	modelHeader  = 8 + 2 + 6 + 12
)

var errModelFile = errors.New("not a valid model file")

func modelLayout() []byte {
	return []byte{charBits, wordBits, charGramMin, charGramMax, wordGramMax, 0}
}

// encode writes m in the model file format. Buckets go in ascending order,
// so the same model always gives the same bytes.
func (m *textModel) encode(defaultIDF float32) []byte {
	var buf bytes.Buffer
	buf.WriteString(modelMagic)
	le := binary.LittleEndian
	buf.Write(le.AppendUint16(nil, modelVersion))
	buf.Write(modelLayout())
	n := 0
	for _, bk := range m.buckets {
		if bk.idf != defaultIDF || bk.weight != 0 {
			n++
		}
	}
	var b []byte
	b = le.AppendUint32(b, math.Float32bits(m.bias))
	b = le.AppendUint32(b, math.Float32bits(defaultIDF))
	b = le.AppendUint32(b, uint32(n))
	for i, bk := range m.buckets {
		if bk.idf != defaultIDF || bk.weight != 0 {
			b = le.AppendUint32(b, uint32(i))
			b = le.AppendUint32(b, math.Float32bits(bk.idf))
			b = le.AppendUint32(b, math.Float32bits(bk.weight))
		}
	}
	buf.Write(b)
	sum := sha256.Sum256(buf.Bytes())
	buf.Write(sum[:])
	return buf.Bytes()
}

// decodeModel reads a model file, checking its magic, version, feature
// layout, checksum and entries.
func decodeModel(data []byte) (*textModel, error) {
	m, fill, err := checkModel(data)
	if err != nil {
		return nil, err
	}
	fill()
	return m, nil
}

// checkModel checks a model file whole (magic, version, layout, checksum,
// entries in order and in range) and returns the model with its hash and
// bias, and fill, which builds its table: a built-in model's table (2.6
// MB, ~1.5 ms with its page faults at a start of vigie classify) is built
// in the background while the rules compile; score waits for it.
func checkModel(data []byte) (*textModel, func(), error) {
	if len(data) < modelHeader+sha256.Size || string(data[:8]) != modelMagic {
		return nil, nil, fmt.Errorf("%w: no Vigie model header", errModelFile)
	}
	le := binary.LittleEndian
	if v := le.Uint16(data[8:]); v != modelVersion {
		return nil, nil, fmt.Errorf("%w: format version %d, this Vigie reads version %d", errModelFile, v, modelVersion)
	}
	if !bytes.Equal(data[10:16], modelLayout()) {
		return nil, nil, fmt.Errorf("%w: made for other features (layout %v, this Vigie uses %v): retrain it with vigie train", errModelFile, data[10:16], modelLayout())
	}
	// One pass over the bytes for the checksum of the body and the hash
	// of the whole file (the model's identity in ruleset_version).
	body, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	hasher := sha256.New()
	hasher.Write(body)
	if got := hasher.Sum(nil); !bytes.Equal(got, sum) {
		return nil, nil, fmt.Errorf("%w: checksum mismatch (the file is corrupt or truncated)", errModelFile)
	}
	hasher.Write(sum)
	m := &textModel{
		bias: math.Float32frombits(le.Uint32(data[16:])),
		hash: hex.EncodeToString(hasher.Sum(nil)), // sha256 of data
	}
	defIDF := math.Float32frombits(le.Uint32(data[20:]))
	n := int(le.Uint32(data[24:]))
	entries := body[modelHeader:]
	if len(entries) != 12*n {
		return nil, nil, fmt.Errorf("%w: %d entries announced, %d bytes of entries", errModelFile, n, len(entries))
	}
	prev := -1
	for k := range n {
		i := int(le.Uint32(entries[12*k:]))
		if i <= prev || i >= numFeatures {
			return nil, nil, fmt.Errorf("%w: entry %d: bucket %d out of order or out of range", errModelFile, k, i)
		}
		prev = i
	}
	fill := func() {
		buckets := make([]modelBucket, numFeatures)
		for i := range buckets {
			buckets[i].idf = defIDF
		}
		for k := range n {
			e := entries[12*k:]
			buckets[le.Uint32(e)] = modelBucket{math.Float32frombits(le.Uint32(e[4:])), math.Float32frombits(le.Uint32(e[8:]))}
		}
		m.buckets = buckets
	}
	return m, fill, nil
}

// readModel loads "builtin:NAME" (packs/NAME.vmodel) or a path relative to
// baseDir.
func readModel(ref, baseDir string) (*textModel, error) {
	var data []byte
	var err error
	if name, ok := strings.CutPrefix(ref, builtinPrefix); ok {
		return builtinModel(name)
	} else {
		path := ref
		if !filepath.IsAbs(path) && baseDir != "" {
			path = filepath.Join(baseDir, path)
		}
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("model: %w", err)
		}
	}
	m, err := decodeModel(data)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", ref, err)
	}
	return m, nil
}

// builtinModelCache decodes each built-in model once per process: a
// model is read-only once decoded, and every Load, reload and page's
// ruleset shares it (2.6 MB of buckets each otherwise).
var builtinModelCache sync.Map // name → func() (*textModel, error)

func builtinModel(name string) (*textModel, error) {
	f, _ := builtinModelCache.LoadOrStore(name, sync.OnceValues(func() (*textModel, error) {
		ref := builtinPrefix + name
		data, err := builtinModels.ReadFile("packs/" + name + ".vmodel")
		if err != nil {
			return nil, fmt.Errorf("model %q: no such builtin model", ref)
		}
		m, fill, err := checkModel(data)
		if err != nil {
			return nil, fmt.Errorf("model %s: %w", ref, err)
		}
		filled := make(chan struct{})
		m.filled = filled
		go func() {
			fill()
			m.built.Store(true)
			close(filled)
		}()
		return m, nil
	}))
	return f.(func() (*textModel, error))()
}

// modelRule is the compiled part of a model rule.
type modelRule struct {
	m              *textModel
	refuse, review float64 // score thresholds; refuse 0: never refuses
}

// modelExplain is how many n-grams explain a model verdict.
const modelExplain = 3

// score is the model's probability that nt should not be published, and
// the n-grams that pushed it up most (indices into fs.uniq).
func (m *textModel) score(fs *featureScratch, nt *normText) (float64, [modelExplain]int32, int) {
	if m.filled != nil && !m.built.Load() {
		<-m.filled
	}
	uniq := fs.count(nt)
	var sq [2]float64
	for _, u := range uniq {
		x := float64(u.count * m.buckets[u.idx].idf)
		sq[block(u.idx)] += x * x
	}
	inv := [2]float64{invSqrt(sq[0]), invSqrt(sq[1])}
	z := float64(m.bias)
	var top [modelExplain]int32
	var topC [modelExplain]float64
	nTop := 0
	for ui, u := range uniq {
		bk := m.buckets[u.idx]
		c := float64(u.count*bk.idf) * inv[block(u.idx)] * float64(bk.weight)
		z += c
		if c <= 0 {
			continue
		}
		// Insertion into the few largest contributions.
		k := min(nTop, modelExplain-1)
		if nTop == modelExplain && c <= topC[k] {
			continue
		}
		for k > 0 && topC[k-1] < c {
			topC[k], top[k] = topC[k-1], top[k-1]
			k--
		}
		topC[k], top[k] = c, int32(ui)
		nTop = min(nTop+1, modelExplain)
	}
	return 1 / (1 + math.Exp(-z)), top, nTop
}

func block(idx uint32) int {
	if idx < charBuckets {
		return 0
	}
	return 1
}

func invSqrt(x float64) float64 {
	if x == 0 {
		return 0
	}
	return 1 / math.Sqrt(x)
}

// match scores the comment; at or above the refuse threshold the words
// holding the top n-grams are refuse matches, at or above review they are
// review matches (a refuse rule's match softened to review, see
// decide.go). A whole word is highlighted, not the n-gram: "e" or "uc"
// would tell a moderator nothing. A model rule declared after the others
// does not run on a comment they already refuse: it could not change the
// verdict, and its matches would only crowd the explanation. The score
// goes into the verdict (Verdict.ModelScore) whether or not it fires.
func (mr *modelRule) match(c *classifier, r *rule) {
	if len(c.nt.toks) == 0 {
		return
	}
	for _, f := range c.matches {
		if f.r.action == ActionRefuse && !f.softened && !f.r.shadow {
			return
		}
	}
	fs := featurePool.Get().(*featureScratch)
	defer fs.release()
	p, top, n := mr.m.score(fs, c.nt)
	c.scored(r, p)
	refuse := mr.refuse > 0 && p >= mr.refuse
	if !refuse && p < mr.review {
		return
	}
	for _, ui := range top[:n] {
		u := fs.uniq[ui]
		if a, b := c.nt.tokSpan(int(u.ti), int(u.tj)); a < b {
			c.add(r, a, b, !refuse)
		}
	}
}

func init() { registerKind("model", ruleKind{compile: compileModel, thresholds: true}) }

// compileModel reads the fields of a model rule.
func compileModel(cc compileCtx, r *rule, sp ruleSpec, rc *ruleCheck) matcher {
	if sp.Action != "" || sp.Score != 0 {
		rc.add(firstKey(sp, "action", "score"), "model: set thresholds: {refuse, review}, not action or score")
	}
	t := sp.Thresholds
	if t == nil || t.Review <= 0 || t.Review >= 1 || t.Refuse < 0 || t.Refuse >= 1 || (t.Refuse > 0 && t.Refuse < t.Review) {
		rc.add(firstKey(sp, "thresholds"), "model: thresholds: {refuse: 0.95, review: 0.8} with 0 < review <= refuse < 1 (refuse 0: never refuses)")
		return nil
	}
	if sp.Model == "" {
		rc.add("kind", "model: add model: with a file (relative to the configuration) or builtin:NAME")
		return nil
	}
	m, err := readModel(sp.Model, cc.o.BaseDir)
	if err != nil {
		rc.add("model", "%v", err)
		return nil
	}
	r.action = ActionRefuse
	cc.rs.modelHashes = append(cc.rs.modelHashes, m.hash)
	return &modelRule{m: m, refuse: t.Refuse, review: t.Review}
}
