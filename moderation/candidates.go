package moderation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"vigie/rules"
)

// CandidateState is where a model trained from the database stands.
type CandidateState int8

const (
	CandidateShadow   CandidateState = iota + 1 // scored on every comment, recorded, no effect
	CandidatePromoted                           // the model of its rule
	CandidateRetired                            // neither
)

var candidateStateNames = [...]string{"", "shadow", "promoted", "retired"}

func (s CandidateState) String() string {
	if s < CandidateShadow || s > CandidateRetired {
		return fmt.Sprintf("CandidateState(%d)", s)
	}
	return candidateStateNames[s]
}

// ParseCandidateState reads a state name.
func ParseCandidateState(v string) (CandidateState, error) {
	for i, n := range candidateStateNames {
		if i > 0 && n == v {
			return CandidateState(i), nil
		}
	}
	return 0, Errorf(ErrInvalid, "state", "unknown candidate state %q", v)
}

// CVFigures are a candidate's cross-validated figures (rules.CVReport),
// kept with it so the rules page can show them.
type CVFigures struct {
	Folds   int     `json:"folds"`
	AUC     float64 `json:"auc"`
	Refuse0 float64 `json:"refuse0"` // share of label 0 refused
	Review0 float64 `json:"review0"` // ... sent to review
	Refuse1 float64 `json:"refuse1"` // share of label 1 refused
	Caught1 float64 `json:"caught1"` // ... refused or sent to review
}

// ModelCandidate is a model trained from moderators' decisions for one
// model rule.
type ModelCandidate struct {
	ID         int64
	Rule       string // the model rule it is for
	CreatedAt  time.Time
	SHA256     string // hex, of Model
	Model      []byte // the model file; empty in listings
	Rows       int    // training rows
	Label1     int
	Label0     int
	TrainedSeq int64 // the newest event among its training rows
	CV         *CVFigures
	State      CandidateState
	PromotedBy string
	PromotedAt time.Time
}

// ShadowID is the id of the candidate's shadow copy of its rule, as
// verdicts show it.
func (c ModelCandidate) ShadowID() string { return fmt.Sprintf("%s@candidate-%d", c.Rule, c.ID) }

// CandidateStore keeps the candidates (storage.DB).
type CandidateStore interface {
	// CreateCandidate stores c and sets its ID.
	CreateCandidate(ctx context.Context, c *ModelCandidate) error
	// Candidates lists them newest first, without their model bytes.
	Candidates(ctx context.Context) ([]ModelCandidate, error)
	// Candidate reads one with its model; ErrNotFound when absent.
	Candidate(ctx context.Context, id int64) (ModelCandidate, error)
	// SetCandidateState moves one from state `from` to `to`, recording by
	// and at for a promotion; promoting retires its rule's promoted
	// candidate in the same transaction. A candidate not in `from` is
	// ErrConflict.
	SetCandidateState(ctx context.Context, id int64, from []CandidateState, to CandidateState, by string, at time.Time) error
	// CandidatesStamp changes whenever a candidate is added or changes
	// state: what other processes poll, cheaply.
	CandidatesStamp(ctx context.Context) (string, error)
}

// MinDecisionsPerLabel is how many human decisions of each outcome a
// candidate needs at least: fewer teach a model noise.
const MinDecisionsPerLabel = 50

// TrainCandidate says how to train one.
type TrainCandidate struct {
	Rule        string // default model.toxic
	Seed        uint64
	C           float64
	CVFolds     int // 0: no cross-validation
	MinPerLabel int // default MinDecisionsPerLabel
}

// Trained is a model trained from the database, before it is stored.
type Trained struct {
	Candidate ModelCandidate
	CV        *rules.CVReport
	HeldOut   int // rows kept out for the agreement
}

// TrainFromDecisions trains a model on the human decisions of src, less
// the held-out ones (HeldOut). Too few decisions of either outcome is
// ErrInvalid, saying how many there are and how many are needed.
func TrainFromDecisions(ctx context.Context, src TrainingSource, o TrainCandidate, now time.Time) (Trained, error) {
	if o.Rule == "" {
		o.Rule = "model.toxic"
	}
	if o.MinPerLabel <= 0 {
		o.MinPerLabel = MinDecisionsPerLabel
	}
	rows, err := LoadTraining(ctx, src)
	if err != nil {
		return Trained{}, err
	}
	var train []TrainingRow
	var maxSeq int64
	held := 0
	for _, r := range rows {
		if HeldOut(r) {
			held++
			continue
		}
		train = append(train, r)
		maxSeq = max(maxSeq, r.Seq)
	}
	l1, l0 := CountLabels(train)
	if l1 < o.MinPerLabel || l0 < o.MinPerLabel {
		return Trained{}, Errorf(ErrInvalid, "decisions",
			"not enough human decisions to train a model: %d refused and %d published by moderators (less the one in five held out to measure it); at least %d of each are needed",
			l1, l0, o.MinPerLabel)
	}
	ex := Examples(train)
	opts := rules.TrainOptions{Seed: o.Seed, C: o.C}
	out := Trained{HeldOut: held}
	var cv *CVFigures
	if o.CVFolds > 0 {
		rep, err := rules.CrossValidate(ex, opts, rules.CVOptions{Folds: o.CVFolds})
		if err != nil {
			return Trained{}, err
		}
		out.CV = &rep
		cv = &CVFigures{Folds: o.CVFolds, AUC: rep.AUC, Refuse0: rep.Refuse0, Review0: rep.Review0, Refuse1: rep.Refuse1, Caught1: rep.Caught1}
	}
	model, err := rules.TrainModel(ex, opts)
	if err != nil {
		return Trained{}, err
	}
	sum := sha256.Sum256(model)
	out.Candidate = ModelCandidate{
		Rule: o.Rule, CreatedAt: TruncateTime(now), SHA256: hex.EncodeToString(sum[:]), Model: model,
		Rows: len(train), Label1: l1, Label0: l0, TrainedSeq: maxSeq, CV: cv, State: CandidateShadow,
	}
	return out, nil
}

// ModelSwaps is what the running rules make of the candidates: each rule's
// promoted model in its place, and the newest shadow candidate of each
// rule as a shadow copy of it.
func ModelSwaps(ctx context.Context, store CandidateStore) ([]rules.ModelSwap, error) {
	cs, err := store.Candidates(ctx)
	if err != nil {
		return nil, err
	}
	var swaps []rules.ModelSwap
	promoted, shadowed := map[string]bool{}, map[string]bool{}
	for _, c := range cs { // newest first
		var sw rules.ModelSwap
		switch {
		case c.State == CandidatePromoted && !promoted[c.Rule]:
			promoted[c.Rule] = true
			sw = rules.ModelSwap{Rule: c.Rule}
		case c.State == CandidateShadow && !shadowed[c.Rule]:
			shadowed[c.Rule] = true
			sw = rules.ModelSwap{Rule: c.Rule, ShadowID: c.ShadowID()}
		default:
			continue
		}
		full, err := store.Candidate(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		sw.Model = full.Model
		swaps = append(swaps, sw)
	}
	return swaps, nil
}

// PromoteCandidate makes a candidate its rule's model; the rule's previous
// promoted candidate is retired. It is recorded who did it and when.
func PromoteCandidate(ctx context.Context, store CandidateStore, id int64, actor string, now time.Time) error {
	if actor == "" {
		return Errorf(ErrInvalid, "actor", "who promotes must be named")
	}
	if err := store.SetCandidateState(ctx, id, []CandidateState{CandidateShadow, CandidateRetired}, CandidatePromoted, actor, TruncateTime(now)); err != nil {
		return fmt.Errorf("promote candidate %d: %w", id, err)
	}
	return nil
}

// RetireCandidate takes a candidate out of shadow, or out of force (its
// rule goes back to the packs' model).
func RetireCandidate(ctx context.Context, store CandidateStore, id int64, now time.Time) error {
	if err := store.SetCandidateState(ctx, id, []CandidateState{CandidateShadow, CandidatePromoted}, CandidateRetired, "", TruncateTime(now)); err != nil {
		return fmt.Errorf("retire candidate %d: %w", id, err)
	}
	return nil
}

// HoldoutAgreement measures two rulesets against the moderators on the
// decisions a candidate was not trained on: the held-out rows, and those
// decided after its training. Each text is judged alone (no flood or
// repeated-post history): what is measured is the text model. A machine
// verdict counts as "not publishable" when it refuses or sends to review:
// the packs' model rule only ever sends to review.
func HoldoutAgreement(ctx context.Context, src TrainingSource, trainedSeq int64, cur, cand *rules.Ruleset) ([2]Agreement, error) {
	var out [2]Agreement
	rows, err := LoadTraining(ctx, src)
	if err != nil {
		return out, err
	}
	for _, r := range rows {
		if !HeldOut(r) && r.Seq <= trainedSeq {
			continue
		}
		in := rules.Input{Text: r.Text}
		out[0].add(cur.Classify(in, nil).Action != rules.ActionPublish, r.Refused)
		out[1].add(cand.Classify(in, nil).Action != rules.ActionPublish, r.Refused)
	}
	return out, nil
}
