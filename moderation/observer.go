package moderation

import (
	"time"

	"vigie/rules"
)

// Observer receives what the pipeline measures of itself, for the server's
// metrics. It is called on every intake, so it must be cheap and safe for
// concurrent use.
type Observer interface {
	// ObserveClassify is called once per comment the rules judged (intake,
	// and an edit from the platform): total is how long Classify took, lang
	// the language detection's part of it, 0 when detection did not run.
	ObserveClassify(total, lang time.Duration)
}

// SetObserver sends the pipeline's timings to o from now on; nil stops
// them. Without an observer nothing is timed.
func (s *Service) SetObserver(o Observer) {
	if o == nil {
		s.observer.Store(nil)
		return
	}
	s.observer.Store(&o)
}

// classify judges a comment with rs, timed when an observer is set.
func (s *Service) classify(rs *rules.Ruleset, in rules.Input) rules.Verdict {
	o := s.observer.Load()
	if o == nil {
		return rs.Classify(in, s.recent)
	}
	var tm rules.Timing
	in.Timing = &tm
	start := time.Now()
	v := rs.Classify(in, s.recent)
	(*o).ObserveClassify(time.Since(start), tm.Language)
	return v
}
