package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// The rule fixes of issue 9, through the command line as a new user would
// meet them.

// classifyLines runs vigie classify and decodes one answer per line.
func classifyLines(t *testing.T, cfg string, in []string) ([]map[string]any, string) {
	t.Helper()
	code, out, errOut := run(t, strings.Join(in, "\n")+"\n", "classify", "--config", cfg)
	if code != 0 {
		t.Fatalf("classify: exit %d: %s", code, errOut)
	}
	var answers []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("output line %q: %v", l, err)
		}
		answers = append(answers, m)
	}
	return answers, errOut
}

func TestRulesFixIssueExamples(t *testing.T) {
	cfg, _ := testConfig(t)
	examples := []struct{ text, want string }{
		{"Tu es un connard, je te le dis.", "refuse"},
		{"Sale connard, je te déteste", "refuse"},
		{"Franchement, connard, je ne suis pas d'accord.", "refuse"},
		{"Vous êtes des connards et je vous emmerde", "refuse"},
		{"You are a fucking idiot and I hate you", "refuse"},
		{"on va tous vous égorger", "refuse"},
		{"Il m'a traité de connard", "review"},
		{"He called me an idiot", "review"},
		{"Je suis un idiot", "review"},
		{"Cette demeure est magnifique", "publish"},
		{"Espèce de demeuré", "refuse"},
		{"Go back to your country, you people are all criminals.", "review"},
		{"This is bullshit", "publish"},
	}
	var in []string
	for _, e := range examples {
		in = append(in, e.text)
	}
	answers, _ := classifyLines(t, cfg, in)
	for i, e := range examples {
		if got := answers[i]["action"]; got != e.want {
			t.Errorf("%q: %v, want %s (%v)", e.text, got, e.want, answers[i]["matches"])
		}
	}
}

// Four authors posting the same factual correction: the 3rd and 4th copies
// go to review as repeated posts, none is refused.
func TestRulesFixClassifyRepeatedPostsGoToReview(t *testing.T) {
	cfg, _ := testConfig(t)
	var in []string
	for i := 1; i <= 4; i++ {
		in = append(in, fmt.Sprintf(`{"text":"Votre graphique est faux, corrigez-le","author":{"id":"a%d"}}`, i))
	}
	answers, _ := classifyLines(t, cfg, in)
	for i, want := range []string{"publish", "publish", "review", "review"} {
		if answers[i]["action"] != want || want == "review" && answers[i]["category"] != "repeated" {
			t.Errorf("copy %d: %v/%v, want %s", i+1, answers[i]["action"], answers[i]["category"], want)
		}
	}
}

// Output line n answers input line n, blank and bad lines included.
func TestRulesFixClassifyKeepsLinesAligned(t *testing.T) {
	cfg, _ := testConfig(t)
	in := []string{"Bonjour à tous", "", "Espèce de connard", "   ", `{"txt":"oops"}`, "Merci"}
	answers, errOut := classifyLines(t, cfg, in)
	if len(answers) != len(in) {
		t.Fatalf("%d answers for %d lines", len(answers), len(in))
	}
	for i, want := range []string{"publish", "", "refuse", "", "", "publish"} {
		a := answers[i]
		if want != "" {
			if a["action"] != want {
				t.Errorf("line %d: %v, want %s", i+1, a, want)
			}
			continue
		}
		if a["error"] == nil || a["line"] != float64(i+1) || a["action"] != nil {
			t.Errorf("line %d: %v, want an error object with \"line\": %d", i+1, a, i+1)
		}
	}
	for _, want := range []string{"line 2: blank line", "line 4: blank line", "line 5: missing \"text\""} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

// eval names each bad row with its line, goes on, and says how many rows it
// skipped.
func TestRulesFixEvalSkipsBadRows(t *testing.T) {
	cfg, _ := testConfig(t)
	csvPath := filepath.Join(t.TempDir(), "labelled.csv")
	writeFile(t, csvPath, "text,label,lang,category\n"+
		"Espèce de connard,1,fr,insult_h\n"+
		"Merci pour ces explications,yes,fr,thanks_nh\n"+
		"tout seul\n"+
		"\"Bonjour,\nà tous\",0,fr,thanks_nh\n"+
		"Merci encore,0,fr,thanks_nh\n"+
		"un \"guillemet\" mal placé,0,fr,thanks_nh\n"+
		"Vous êtes des abrutis,1,fr,insult_h\n")
	code, out, errOut := run(t, "", "eval", "--config", cfg, csvPath)
	if code != 0 {
		t.Fatalf("eval: exit %d %s", code, errOut)
	}
	for _, want := range []string{"labelled.csv:3: skipped: label \"yes\"", "labelled.csv:4: skipped: want text,label", "labelled.csv:8: skipped:"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if !strings.Contains(out, "skipped 3 bad row(s), not counted above: lines 3, 4, 8") {
		t.Errorf("report does not count the skipped rows:\n%s", out)
	}
	// The rows after the bad ones are counted: 2 insults, 2 thanks.
	rows := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 2 {
			rows[f[0]] = f[1]
		}
	}
	if rows["insult_h"] != "2" || rows["thanks_nh"] != "2" || rows["overall"] != "4" {
		t.Errorf("rows counted %v, want 2 insult_h, 2 thanks_nh, 4 overall:\n%s", rows, out)
	}
}

// rules check lists every problem of a file in one run, each at its line,
// in the words of the file format.
func TestRulesFixRulesCheckListsEveryProblem(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	writeFile(t, bad, `version: 1
nmae: bad
rules:
  - id: a
    kind: wordz
    category: insult
    action: refuse
    words: [x]
  - id: b
    kind: words
    category: nosuch
    action: refuse
    words: [y]
  - id: c
    kind: regex
    category: insult
    action: refuse
    patterns: ['(']
  - id: d
    kind: words
    category: insult
    action: maybe
    wrods: [z]
`)
	code, out, errOut := run(t, "", "rules", "check", bad)
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q; want 1 and nothing", code, out)
	}
	for _, want := range []string{
		"bad.yaml:2: unknown key \"nmae\" at the top of the file (did you mean \"name\"?)",
		"bad.yaml:5: rule \"a\": unknown kind \"wordz\" (did you mean \"words\"?)",
		"bad.yaml:11: rule \"b\": unknown category \"nosuch\"",
		"bad.yaml:18: rule \"c\": pattern \"(\" is not a valid regular expression",
		"bad.yaml:22: rule \"d\": unknown action \"maybe\"",
		"bad.yaml:23: unknown key \"wrods\" in a rule (did you mean \"words\"?)",
		"vigie rules: 6 problems",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "rules.") || strings.Contains(errOut, "ruleSpec") {
		t.Errorf("a Go type name in:\n%s", errOut)
	}
	syntax := filepath.Join(t.TempDir(), "syntax.yaml")
	writeFile(t, syntax, "version: 1\nname: [bad\n")
	if code, _, errOut := run(t, "", "rules", "check", syntax); code != 1 || !strings.Contains(errOut, "syntax.yaml:2: not valid YAML") {
		t.Errorf("YAML error of line 2: exit %d, stderr %q", code, errOut)
	}
}
