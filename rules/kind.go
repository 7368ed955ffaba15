package rules

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Rule kinds plug in here. Each kind lives in its own file (kind_*.go,
// model.go) and registers itself by name in an init function: what its
// keys mean (compile) and how it finds matches (the matcher it returns).
// The rest of the engine — the shared keys of every rule (compile.go),
// the decision (decide.go), calibration — knows no kind by name, so a new
// kind touches no other file but ruleSpec (format.go), where its keys
// join the one list every rule is decoded and checked against.

// ruleKind compiles the rules of one kind.
type ruleKind struct {
	// compile reads the kind's own keys of sp, reporting mistakes to rc
	// (under the key at fault), and returns what runs the rule on a
	// comment; nil when the rule never runs by itself (a words rule is
	// found by the shared word index) or cannot fire (a language rule
	// without configured languages). It may set r.action (a model rule
	// decides with its thresholds) and record in cc.rs what Classify must
	// know of the whole ruleset (history windows).
	compile func(cc compileCtx, r *rule, sp ruleSpec, rc *ruleCheck) matcher
	// thresholds: the kind decides with thresholds: {refuse, review}, so
	// a rule of it needs no action or score.
	thresholds bool
}

// compileCtx is what a kind may read or record while compiling a rule.
type compileCtx struct {
	rs     *Ruleset
	target int32 // the rule's position: its target in the word index
	s      Settings
	o      Options
}

// matcher runs one compiled rule on a comment: it adds r's matches to c
// (c.add, c.whole). It is read-only, shared by every Classify call.
type matcher interface {
	match(c *classifier, r *rule)
}

// kinds is filled by the kinds' init functions and only read afterwards.
var kinds = map[string]ruleKind{}

func registerKind(name string, k ruleKind) {
	if _, dup := kinds[name]; dup {
		panic(fmt.Sprintf("rules: kind %q registered twice", name))
	}
	kinds[name] = k
}

// kindList is the kinds, sorted, for messages.
func kindList() []string { return slices.Sorted(maps.Keys(kinds)) }

// unknownKind is the message for a rule whose kind is missing or unknown.
func unknownKind(name string, rc *ruleCheck) {
	list := kindList()
	if name == "" {
		rc.add("kind", "no kind: add kind: with one of %s", strings.Join(list, ", "))
		return
	}
	rc.add("kind", "unknown kind %q%s; the kinds are %s", name, suggest(name, list), strings.Join(list, ", "))
}
