package rules

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinyExamples is a hand-written training set for the model tests: it
// teaches "connard" and "idiot" against ordinary talk, enough for a score
// that moves and a highlight that lands on the insult.
func tinyExamples() []Example {
	var ex []Example
	clean := []string{"merci pour cet article très clair", "je ne suis pas d'accord avec le maire",
		"le match était superbe hier soir", "quelle belle journée au marché",
		"thanks for the clear article", "I disagree with the mayor on this",
		"the game was great last night", "what a nice day at the market"}
	toxic := []string{"espèce de connard", "t'es qu'un connard", "sale connard va",
		"you are an idiot", "what an idiot you are", "shut up idiot"}
	for range 3 {
		for _, s := range clean {
			ex = append(ex, Example{s, 0})
		}
		for _, s := range toxic {
			ex = append(ex, Example{s, 1})
		}
	}
	return ex
}

func tinyModel(t testing.TB) []byte {
	t.Helper()
	data, err := TrainModel(tinyExamples(), TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// modelPack writes a pack with one model rule and its model file into a
// temporary directory and returns the settings and options to load it.
func modelPack(t testing.TB, model []byte, thresholds string) (Settings, Options) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "m.vmodel"), model, 0o644); err != nil {
		t.Fatal(err)
	}
	pack := fmt.Sprintf(`version: 1
name: modeltest
categories:
  - id: insult
    label: {fr: Insulte, en: Insult}
    description: {fr: "Insulte", en: "Insult"}
    dsa_category: STATEMENT_CATEGORY_CYBER_VIOLENCE
    ground: terms
rules:
  - id: model.insult
    kind: model
    category: insult
    model: m.vmodel
    thresholds: %s
`, thresholds)
	if err := os.WriteFile(filepath.Join(dir, "pack.yaml"), []byte(pack), 0o644); err != nil {
		t.Fatal(err)
	}
	s := DefaultSettings()
	s.Packs = []string{"pack.yaml"}
	s.LanguageDetection = false
	return s, Options{BaseDir: dir}
}

func TestModelRuleExplainsWithOriginalSpans(t *testing.T) {
	rs, err := Load(modelPack(t, tinyModel(t), "{refuse: 0.9, review: 0.6}"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text   string
		action Action
		within string // one match at least lies inside this part of the text
	}{
		{"Merci pour cet article, très clair.", ActionPublish, ""},
		{"Espèce de CONNARD", ActionRefuse, "CONNARD"},
		{"Espèce de C0NN4RD !", ActionRefuse, "C0NN4RD"}, // leet folds as for the word rules
		{"Espèce de ｃｏｎｎａｒｄ", ActionRefuse, "ｃｏｎｎａｒｄ"},   // full-width: multi-byte spans
		{"You are an IDIOT", ActionRefuse, "IDIOT"},
	}
	for _, tc := range tests {
		v := rs.Classify(Input{Text: tc.text}, nil)
		if v.Action != tc.action {
			t.Errorf("%q: action %v, want %v (matches %+v)", tc.text, v.Action, tc.action, v.Matches)
			continue
		}
		if tc.within == "" {
			if len(v.Matches) != 0 {
				t.Errorf("%q: matches %+v, want none", tc.text, v.Matches)
			}
			continue
		}
		lo := strings.Index(tc.text, tc.within)
		if len(v.Matches) == 0 {
			t.Errorf("%q: no match explains the verdict", tc.text)
		}
		inside := false
		for _, m := range v.Matches {
			if m.Rule != "model.insult" || m.Text != tc.text[m.Start:m.End] {
				t.Errorf("%q: match %+v", tc.text, m)
			}
			inside = inside || m.Start >= lo && m.End <= lo+len(tc.within)
		}
		if !inside {
			t.Errorf("%q: matches %+v, want one inside %q", tc.text, v.Matches, tc.within)
		}
	}
}

func TestModelRuleReviewBand(t *testing.T) {
	// A refuse threshold no score reaches: what would refuse is reviewed.
	rs, err := Load(modelPack(t, tinyModel(t), "{refuse: 0.999999, review: 0.6}"))
	if err != nil {
		t.Fatal(err)
	}
	if v := rs.Classify(Input{Text: "espèce de connard"}, nil); v.Action != ActionReview {
		t.Errorf("got %v, want review", v.Action)
	}
	// refuse 0: never refuses.
	rs, err = Load(modelPack(t, tinyModel(t), "{refuse: 0, review: 0.6}"))
	if err != nil {
		t.Fatal(err)
	}
	if v := rs.Classify(Input{Text: "espèce de connard"}, nil); v.Action != ActionReview {
		t.Errorf("refuse 0: got %v, want review", v.Action)
	}
}

func TestModelFileErrors(t *testing.T) {
	good := tinyModel(t)
	if _, err := decodeModel(good); err != nil {
		t.Fatalf("good file: %v", err)
	}
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 1
		return b
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "no Vigie model header"},
		{"not a model", []byte(strings.Repeat("version: 1\n", 10)), "no Vigie model header"},
		{"corrupt weight", flip(len(good) / 2), "checksum mismatch"},
		{"truncated", good[:len(good)-100], "checksum mismatch"},
		{"newer version", flip(8), "format version"},
		{"other features", flip(10), "made for other features"},
	}
	for _, tc := range tests {
		_, err := decodeModel(tc.data)
		if !errors.Is(err, errModelFile) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	// Through Load: a clear error naming the rule's file and line; the
	// caller keeps its running ruleset (Load returns no ruleset).
	rs, err := Load(modelPack(t, flip(len(good)/2), "{refuse: 0.9, review: 0.6}"))
	if rs != nil || err == nil || !strings.Contains(err.Error(), "pack.yaml:") || !strings.Contains(err.Error(), "checksum mismatch") {
		t.Errorf("Load of a corrupt model: %v, %v", rs, err)
	}
}

func TestModelRuleSpecProblems(t *testing.T) {
	for _, th := range []string{"{refuse: 0.5, review: 0.8}", "{review: 1.5}", "{refuse: 0.9}"} {
		if _, err := Load(modelPack(t, tinyModel(t), th)); err == nil || !strings.Contains(err.Error(), "thresholds") {
			t.Errorf("thresholds %s: error %v, want one about thresholds", th, err)
		}
	}
}

func TestModelHashInVersion(t *testing.T) {
	a, err := Load(modelPack(t, tinyModel(t), "{refuse: 0.9, review: 0.6}"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := TrainModel(tinyExamples()[:20], TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(modelPack(t, other, "{refuse: 0.9, review: 0.6}"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Version() == b.Version() {
		t.Errorf("two model files, one ruleset version %s", a.Version())
	}
	// The model's identity is the SHA-256 of its file, what sha256sum prints.
	m, err := decodeModel(other)
	if err != nil {
		t.Fatal(err)
	}
	if want := sha256.Sum256(other); m.hash != hex.EncodeToString(want[:]) {
		t.Errorf("model hash %s, sha256 of the file %x", m.hash, want)
	}
}

func TestTrainDeterministic(t *testing.T) {
	a, b := tinyModel(t), tinyModel(t)
	if !bytes.Equal(a, b) {
		t.Error("the same examples gave two different model files")
	}
	if _, err := TrainModel(tinyExamples()[:8], TrainOptions{}); err == nil {
		t.Error("one label only: want an error")
	}
}

func TestModelClassifyAllocatesNothingWhenClean(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items")
	}
	rs, err := Load(modelPack(t, tinyModel(t), "{refuse: 0.9, review: 0.6}"))
	if err != nil {
		t.Fatal(err)
	}
	in := Input{Text: benchComments[0]}
	rs.Classify(in, nil)
	if n := testing.AllocsPerRun(100, func() { rs.Classify(in, nil) }); n != 0 {
		t.Errorf("Classify with a model rule: %.1f allocations per clean comment, want 0", n)
	}
}

func TestAUC(t *testing.T) {
	tests := []struct {
		s    []float64
		l    []int
		want float64
	}{
		{[]float64{0.1, 0.2, 0.8, 0.9}, []int{0, 0, 1, 1}, 1},
		{[]float64{0.9, 0.8, 0.2, 0.1}, []int{0, 0, 1, 1}, 0},
		{[]float64{0.5, 0.5, 0.5, 0.5}, []int{0, 1, 0, 1}, 0.5},
	}
	for _, tc := range tests {
		if got := AUC(tc.s, tc.l); got != tc.want {
			t.Errorf("AUC(%v, %v) = %v, want %v", tc.s, tc.l, got, tc.want)
		}
	}
}

func BenchmarkModelScore(b *testing.B) {
	m, err := decodeModel(tinyModel(b))
	if err != nil {
		b.Fatal(err)
	}
	if data, err := os.ReadFile("packs/default.vmodel"); err == nil {
		if m, err = decodeModel(data); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range benchComments {
		b.Run(c[:2], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				nt := acquireNorm(c)
				fs := featurePool.Get().(*featureScratch)
				m.score(fs, nt)
				fs.release()
				nt.release()
			}
		})
	}
}

func TestCheckReportsABadModelFile(t *testing.T) {
	s, o := modelPack(t, []byte("VIGIEMDL but not a model at all, and long enough to be read"), "{refuse: 0.9, review: 0.6}")
	err := Check(filepath.Join(o.BaseDir, s.Packs[0]))
	if err == nil || !strings.Contains(err.Error(), `pack.yaml:13: rule "model.insult": model m.vmodel: not a valid model file`) {
		t.Errorf("Check: %v", err)
	}
}

// BenchmarkModelScoreShared scores every shared text in turn (one op: all
// of them), so the model's table is read as in a real stream of different
// comments, not from a cache warmed by one comment.
func BenchmarkModelScoreShared(b *testing.B) {
	data, err := os.ReadFile("packs/default.vmodel")
	if err != nil {
		b.Fatal(err)
	}
	m, err := decodeModel(data)
	if err != nil {
		b.Fatal(err)
	}
	var nts []*normText
	for _, dir := range []string{devData, trainData} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
		for _, f := range files {
			for _, text := range csvTexts(b, f) {
				nts = append(nts, normalise(text))
			}
		}
	}
	if len(nts) == 0 {
		b.Skip("shared data not found under ../../shared/data")
	}
	fs := new(featureScratch)
	for b.Loop() {
		for _, nt := range nts {
			m.score(fs, nt)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(nts))/1e3, "µs/text")
}
