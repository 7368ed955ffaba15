package rules

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
)

// trainData is the labelled training data, outside the repository.
const trainData = "../../shared/data/train"

// defaultModelFiles are the files the default model is trained on, in this
// order (README.md, "The default text model").
var defaultModelFiles = []string{"forum_fr.csv", "wikipedia_talk_fr.csv", "wikipedia_talk_en.csv"}

// TestDefaultModelRebuilds retrains the shipped model from the training
// data (about 1.5 s) and compares the bytes: the command in README.md
// rebuilds packs/default.vmodel exactly.
func TestDefaultModelRebuilds(t *testing.T) {
	var ex []Example
	for _, name := range defaultModelFiles {
		f, err := os.Open(filepath.Join(trainData, name))
		if err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("training data missing in CI: %v", err)
			}
			t.Skipf("training data not found (%v); it lives in /work/shared/data/train", err)
		}
		e, err := ReadExamples(f, name)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		ex = append(ex, e...)
	}
	got, err := TrainModel(ex, TrainOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	want, err := builtinModels.ReadFile("packs/default.vmodel")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("retrained model sha256 %x, shipped %x: rebuild it with the command in rules/README.md", sha256.Sum256(got), sha256.Sum256(want))
	}
}

// The built-in model is decoded once per process: two Loads (a reload,
// two pages' rulesets) share its 2.6 MB of buckets, and it is the file
// the packs name (same hash in the version).
func TestBuiltinModelDecodedOnce(t *testing.T) {
	models := func() []*textModel {
		rs, err := Load(DefaultSettings(), Options{Languages: []string{"fr", "en"}})
		if err != nil {
			t.Fatal(err)
		}
		var out []*textModel
		for i := range rs.rules {
			if m, ok := rs.rules[i].run.(*modelRule); ok {
				out = append(out, m.m)
			}
		}
		return out
	}
	a, b := models(), models()
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("model rules: %d then %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("model rule %d: two Loads decoded the built-in model twice", i)
		}
	}
}
