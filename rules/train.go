package rules

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Example is one labelled comment: Label 1 should not be published.
type Example struct {
	Text  string
	Label int
}

// TrainOptions tune TrainModel. The zero value takes the defaults.
type TrainOptions struct {
	Seed       uint64  // shuffles the cross-validation folds
	C          float64 // inverse L2 strength, as scikit-learn's C (default 10)
	Iterations int     // gradient steps (default 300)
}

func (o TrainOptions) withDefaults() TrainOptions {
	if o.C <= 0 {
		o.C = 10
	}
	if o.Iterations <= 0 {
		o.Iterations = 300
	}
	return o
}

// sparseDoc is one training comment as its distinct buckets and counts.
type sparseDoc struct {
	idx   []uint32
	count []float32
	label int
}

func vectorise(ex []Example) []sparseDoc {
	docs := make([]sparseDoc, len(ex))
	fs := new(featureScratch)
	for i, e := range ex {
		uniq := fs.count(normalise(e.Text))
		d := sparseDoc{idx: make([]uint32, len(uniq)), count: make([]float32, len(uniq)), label: e.Label}
		for k, u := range uniq {
			d.idx[k], d.count[k] = u.idx, u.count
		}
		docs[i] = d
	}
	return docs
}

// TrainModel trains a model on the examples and returns its file (see
// model.go). The same examples and options give the same bytes: the
// optimisation visits documents and buckets in a fixed order and no map
// is iterated.
func TrainModel(ex []Example, o TrainOptions) ([]byte, error) {
	m, defIDF, err := train(vectorise(ex), o.withDefaults())
	if err != nil {
		return nil, err
	}
	return m.encode(defIDF), nil
}

// train fits the IDF and a class-weighted, L2-regularised logistic
// regression by full-batch gradient descent with Nesterov momentum.
//
// Why not gonum's optimisers: the problem is small (a few thousand
// comments of ~300 active buckets each), convex and smooth with a known
// Lipschitz bound (features L2-normalised per block, plus the bias:
// ||x||² = 3, so the class-weighted mean logistic loss has L <= 0.75), so a fixed step 1/L with momentum
// converges in a few hundred steps with no line search, in one second,
// bit-for-bit reproducible; and this keeps the dependency out of a
// package every Vigie binary links.
func train(docs []sparseDoc, o TrainOptions) (*textModel, float32, error) {
	var pos, neg int
	for _, d := range docs {
		if d.label == 1 {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		return nil, 0, fmt.Errorf("train: need comments of both labels (got %d with label 1, %d with label 0)", pos, neg)
	}
	n := float64(len(docs))
	// Smoothed IDF, as scikit-learn: ln((1+n)/(1+df)) + 1.
	df := make([]float64, numFeatures)
	for _, d := range docs {
		for _, i := range d.idx {
			df[i]++
		}
	}
	idf := make([]float32, numFeatures)
	defIDF := float32(math.Log((1+n)/1) + 1)
	for i := range idf {
		idf[i] = float32(math.Log((1+n)/(1+df[i])) + 1)
	}
	// Feature values: count × idf, each block L2-normalised (float32 as
	// in scoring, so training sees what the scorer computes).
	xs := make([][]float64, len(docs))
	for k, d := range docs {
		var sq [2]float64
		for j, i := range d.idx {
			x := float64(d.count[j] * idf[i])
			sq[block(i)] += x * x
		}
		inv := [2]float64{invSqrt(sq[0]), invSqrt(sq[1])}
		xs[k] = make([]float64, len(d.idx))
		for j, i := range d.idx {
			xs[k][j] = float64(d.count[j]*idf[i]) * inv[block(i)]
		}
	}
	// Class weights: each class weighs half of the loss (the Wikipedia
	// rows are four-fifths toxic).
	cw := [2]float64{n / (2 * float64(neg)), n / (2 * float64(pos))}
	lambda := 1 / (o.C * n)
	step := 1 / (0.75 + lambda)
	w := make([]float64, numFeatures)
	y := make([]float64, numFeatures) // look-ahead point
	prev := make([]float64, numFeatures)
	g := make([]float64, numFeatures)
	// Only buckets some training comment has can move: the others keep a
	// zero gradient and a zero weight, so the steps skip them.
	var active []int
	for i := range df {
		if df[i] > 0 {
			active = append(active, i)
		}
	}
	var b, yb, prevB float64
	for it := 1; it <= o.Iterations; it++ {
		for _, i := range active {
			g[i] = 0
		}
		var gb float64
		for k, d := range docs {
			z := yb
			for j, i := range d.idx {
				z += y[i] * xs[k][j]
			}
			r := cw[d.label] * (sigmoid(z) - float64(d.label)) / n
			gb += r
			for j, i := range d.idx {
				g[i] += r * xs[k][j]
			}
		}
		mom := float64(it-1) / float64(it+2)
		for _, i := range active {
			nw := y[i] - step*(g[i]+lambda*y[i])
			y[i] = nw + mom*(nw-prev[i])
			prev[i], w[i] = nw, nw
		}
		nb := yb - step*gb
		yb = nb + mom*(nb-prevB)
		prevB, b = nb, nb
	}
	m := &textModel{bias: float32(b), buckets: make([]modelBucket, numFeatures)}
	for i := range w {
		m.buckets[i] = modelBucket{idf[i], float32(w[i])}
		if df[i] == 0 {
			m.buckets[i] = modelBucket{defIDF, 0}
		}
	}
	return m, defIDF, nil
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// scoreText is the model's score of one text (training and evaluation).
func (m *textModel) scoreText(fs *featureScratch, text string) float64 {
	p, _, _ := m.score(fs, normalise(text))
	return p
}

// folds splits indices 0..n-1 into k stratified folds, shuffled with the
// seed: fold[i] is the fold of example i.
func folds(ex []Example, k int, seed uint64) []int {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	fold := make([]int, len(ex))
	for label := 0; label <= 1; label++ {
		var idx []int
		for i, e := range ex {
			if e.Label == label {
				idx = append(idx, i)
			}
		}
		rng.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		for j, i := range idx {
			fold[i] = j % k
		}
	}
	return fold
}

// outOfFold trains k models, each without one fold, and returns every
// example's score by the model that did not see it.
func outOfFold(ex []Example, docs []sparseDoc, k int, o TrainOptions) ([]float64, error) {
	fold := folds(ex, k, o.Seed)
	scores := make([]float64, len(ex))
	fs := new(featureScratch)
	for f := range k {
		var tr []sparseDoc
		for i := range ex {
			if fold[i] != f {
				tr = append(tr, docs[i])
			}
		}
		m, _, err := train(tr, o)
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", f+1, err)
		}
		for i, e := range ex {
			if fold[i] == f {
				scores[i] = m.scoreText(fs, e.Text)
			}
		}
	}
	return scores, nil
}

// AUC is the area under the ROC curve of scores against labels (ties
// count half).
func AUC(scores []float64, labels []int) float64 {
	type sl struct {
		s float64
		l int
	}
	v := make([]sl, len(scores))
	for i := range scores {
		v[i] = sl{scores[i], labels[i]}
	}
	slices.SortStableFunc(v, func(a, b sl) int {
		switch {
		case a.s < b.s:
			return -1
		case a.s > b.s:
			return 1
		}
		return 0
	})
	var pos, neg, rankSum float64
	for i := 0; i < len(v); {
		j := i
		for j < len(v) && v[j].s == v[i].s {
			j++
		}
		mid := float64(i+j+1) / 2 // mean 1-based rank of the tie group
		for _, e := range v[i:j] {
			if e.l == 1 {
				rankSum += mid
				pos++
			} else {
				neg++
			}
		}
		i = j
	}
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}
