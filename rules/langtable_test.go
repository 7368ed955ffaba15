package rules

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pemistahl/lingua-go"
	"github.com/pemistahl/lingua-go/serialization"
	"google.golang.org/protobuf/proto"
)

var updateLanguageTable = flag.Bool("update-language-table", false, "rewrite packs/languages.vlang from lingua-go's models")

// linguaModelDir is lingua-go's module folder (its language-models), from
// the go command: the version go.mod names.
func linguaModelDir(t *testing.T) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/pemistahl/lingua-go").Output()
	if err != nil {
		t.Fatalf("go list lingua-go: %v", err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		t.Fatal("go list gave no folder for lingua-go (run go mod download)")
	}
	return dir
}

// readLinguaModel reads one of lingua-go's n-gram models: n-gram →
// probability.
func readLinguaModel(t *testing.T, dir, lang, name string) map[string]float64 {
	path := filepath.Join(dir, "language-models", lang, name+"s.pb.bin.zip")
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var m serialization.SerializableLanguageModel
	if err := proto.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := map[string]float64{}
	for _, set := range m.NgramSets {
		for _, g := range set.Ngrams {
			out[g] = set.Probability
		}
	}
	return out
}

// buildLanguageTable makes packs/languages.vlang from lingua-go's
// unigram, bigram and trigram models of tableLanguages.
func buildLanguageTable(t *testing.T) []byte {
	dir := linguaModelDir(t)
	probs := make([]map[string]float64, len(tableLanguages))
	set := map[string]bool{}
	for i, l := range tableLanguages {
		probs[i] = map[string]float64{}
		for _, name := range []string{"unigram", "bigram", "trigram"} {
			for g, p := range readLinguaModel(t, dir, l, name) {
				probs[i][g] = p
				set[g] = true
			}
		}
	}
	ngrams := make([]string, 0, len(set))
	for g := range set {
		ngrams = append(ngrams, g)
	}
	slices.Sort(ngrams)
	data, err := encodeLangTable(tableLanguages, ngrams, probs)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// The shipped table is exactly what lingua-go's models give (so the
// command in langtable.go rebuilds it byte for byte).
func TestLanguageTableRebuilds(t *testing.T) {
	got := buildLanguageTable(t)
	if *updateLanguageTable {
		if err := os.WriteFile("packs/languages.vlang", got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote packs/languages.vlang, %d bytes", len(got))
		return
	}
	if !bytes.Equal(got, []byte(languageTableData)) {
		t.Fatalf("packs/languages.vlang (%d bytes) is not what lingua-go's models give (%d bytes): rebuild it with -update-language-table", len(languageTableData), len(got))
	}
	tab, err := parseLangTable(languageTableData)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tab.langs, tableLanguages) {
		t.Fatalf("table languages %v, want %v", tab.langs, tableLanguages)
	}
}

// sharedTexts are the texts of the shared dev and training sets, with the
// language their file is in (the part of its name after the last _).
func sharedTexts(t testing.TB) (texts, langs []string) {
	for _, dir := range []string{devData, trainData} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
		for _, f := range files {
			ts := csvTexts(t, f)
			base := strings.TrimSuffix(filepath.Base(f), ".csv")
			l := base[strings.LastIndex(base, "_")+1:]
			texts = append(texts, ts...)
			for range ts {
				langs = append(langs, l)
			}
		}
	}
	return texts, langs
}

// The table answers as lingua-go (low accuracy, the same languages) on the
// texts the stop-word vote leaves to it, nearly always; where they differ,
// the table is right about as often as lingua-go (the file's language is
// the truth: the shared sets are French or English).
func TestLanguageTableAgreesWithLingua(t *testing.T) {
	texts, files := sharedTexts(t)
	if len(texts) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("shared data missing in CI")
		}
		t.Skip("shared data not found under ../../shared/data")
	}
	tab, err := parseLangTable(languageTableData)
	if err != nil {
		t.Fatal(err)
	}
	ld := &langDetector{configured: []string{"fr", "en"}, ready: make(chan struct{})}
	ld.linguaDet = lingua.NewLanguageDetectorBuilder().FromLanguages(extraLanguages...).
		WithLowAccuracyMode().WithPreloadedLanguageModels().Build()
	close(ld.ready)
	// Every shared text (not only those the vote leaves undecided, for
	// more cases), then sentences in the other languages of the table.
	texts = append(texts, otherLanguageSentences...)
	for range otherLanguageSentences {
		files = append(files, "")
	}
	var sc langScratch
	n, agree, tableRight, linguaRight := 0, 0, 0, 0
	var differ []string
	for i, text := range texts {
		n++
		a, b := tab.detect(text, &sc), ld.detectNgrams(&normText{src: text})
		if a == b {
			agree++
			continue
		}
		if a == files[i] {
			tableRight++
		}
		if b == files[i] {
			linguaRight++
		}
		if len(differ) < 12 {
			differ = append(differ, fmt.Sprintf("%q: table %q, lingua %q", text, a, b))
		}
	}
	share := float64(agree) / float64(n)
	t.Logf("%d texts: the table agrees with lingua-go on %d (%.1f%%); where they differ the table is right %d times, lingua-go %d", n, agree, 100*share, tableRight, linguaRight)
	for _, d := range differ {
		t.Log(d)
	}
	if n < 10000 {
		t.Fatalf("only %d texts compared", n)
	}
	if share < 0.995 || tableRight < linguaRight {
		t.Errorf("agreement %.2f%% (want ≥ 99.5%%), table right %d vs lingua-go %d where they differ", 100*share, tableRight, linguaRight)
	}
	// The other languages are told apart, not taken for French or English.
	for _, s := range otherLanguageSentences {
		if l := tab.detect(s, &sc); l == "" || l == "fr" || l == "en" {
			t.Errorf("%q: table says %q", s, l)
		}
	}
}

// otherLanguageSentences: everyday sentences in the table's other
// languages (written for this test), for the n-gram step to tell apart.
var otherLanguageSentences = []string{
	"El ayuntamiento no ha publicado todavía las cifras del presupuesto municipal.",
	"Necesitamos más información sobre los horarios del autobús escolar.",
	"Die Regierung hat die neuen Zahlen zur Arbeitslosigkeit noch nicht veröffentlicht.",
	"Könnten Sie bitte die Quelle für diese Behauptung angeben?",
	"Il comune non ha ancora pubblicato i dati sul bilancio di quest'anno.",
	"Vorrei sapere quando riapriranno la biblioteca del quartiere.",
	"A prefeitura ainda não publicou os números do orçamento municipal.",
	"Gostaria de saber quando a biblioteca do bairro vai reabrir.",
	"De gemeente heeft de cijfers over de begroting nog niet gepubliceerd.",
	"Wanneer gaat de bibliotheek in onze wijk weer open?",
}

func BenchmarkLanguageTable(b *testing.B) {
	texts, _ := sharedTexts(b)
	if len(texts) == 0 {
		b.Skip("shared data not found")
	}
	var undecided []string
	for _, text := range texts {
		nt := acquireNorm(text)
		if _, ok := voteStopWords(nt); !ok {
			undecided = append(undecided, text)
		}
		nt.release()
	}
	tab, err := parseLangTable(languageTableData)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("table", func(b *testing.B) {
		var sc langScratch
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			tab.detect(undecided[i%len(undecided)], &sc)
		}
	})
	b.Run("lingua", func(b *testing.B) {
		det := lingua.NewLanguageDetectorBuilder().FromLanguages(extraLanguages...).
			WithLowAccuracyMode().WithPreloadedLanguageModels().Build()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			det.DetectLanguageOf(undecided[i%len(undecided)])
		}
	})
	b.Run("parse", func(b *testing.B) {
		for b.Loop() {
			if _, err := parseLangTable(languageTableData); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// encodeLangTable writes the table format (see parseLangTable) from
// probabilities per language: probs[l][ngram] for the languages langs.
// N-grams are written in the order given.
func encodeLangTable(langs []string, ngrams []string, probs []map[string]float64) ([]byte, error) {
	if len(langs) == 0 || len(langs) > 255 || len(probs) != len(langs) {
		return nil, errors.New("language table: bad language list")
	}
	out := []byte(languageTableMagic)
	out = append(out, byte(len(langs)))
	for _, l := range langs {
		if len(l) != 2 {
			return nil, fmt.Errorf("language table: code %q is not two letters", l)
		}
		out = append(out, l...)
	}
	out = binary.LittleEndian.AppendUint32(out, uint32(len(ngrams)))
	for _, g := range ngrams {
		if len(g) == 0 || len(g) > 255 {
			return nil, fmt.Errorf("language table: n-gram %q", g)
		}
		out = append(out, byte(len(g)))
		out = append(out, g...)
		for l := range langs {
			var v int16
			if p, ok := probs[l][g]; ok && p > 0 {
				q := math.Round(math.Log(p) * langScale)
				v = int16(max(q, math.MinInt16))
				if v == 0 {
					v = -1 // present: never the "absent" zero
				}
			}
			out = binary.LittleEndian.AppendUint16(out, uint16(v))
		}
	}
	return out, nil
}

// A damaged table is an error, never a panic or a half-read table: every
// cut of the real file, another magic, more languages than a bitmask holds.
func TestParseLangTableRefusesDamage(t *testing.T) {
	data := languageTableData
	for _, cut := range []int{0, 3, len(languageTableMagic), len(languageTableMagic) + 1, 30, 1000, len(data) / 2, len(data) - 1} {
		if _, err := parseLangTable(data[:cut]); err == nil {
			t.Errorf("table cut at %d bytes: no error", cut)
		}
	}
	if _, err := parseLangTable(data + "x"); err == nil {
		t.Error("trailing byte: no error")
	}
	if _, err := parseLangTable("VLANG9\n" + data[len(languageTableMagic):]); err == nil {
		t.Error("other magic: no error")
	}
	many := languageTableMagic + string(rune(65)) + strings.Repeat("xx", 65) + "\x00\x00\x00\x00"
	if _, err := parseLangTable(many); err == nil {
		t.Error("65 languages: no error")
	}
}
