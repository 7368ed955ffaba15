package storage

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"vigie/moderation"
)

// batchLog records what a BatchObserver sees.
type batchLog struct {
	mu    sync.Mutex
	sizes []int
	durs  []time.Duration
}

func (l *batchLog) observe(requests int, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sizes = append(l.sizes, requests)
	l.durs = append(l.durs, d)
}

// The batch observer sees every committed transaction once: the sizes sum
// to the requests answered from a commit (a request ejected for its own
// error is not one), one size per commit, none over BatchMax.
func TestBatchObserverSeesEachCommittedBatch(t *testing.T) {
	forEachDriver(t, func(t *testing.T, cfg Config) {
		cfg.BatchWait, cfg.BatchMax = 100*time.Millisecond, 8
		db := openDB(t, cfg)
		var log batchLog
		db.SetBatchObserver(log.observe)
		boom := errors.New("boom")
		failIntakeOf(db, "ext-7", boom)
		const n = 20
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				c, e := newComment(i, moderation.StatusPending)
				_, err := db.Intake(context.Background(), c, e, moderation.Effects{})
				if i == 7 {
					wantErr(t, err, boom)
				} else if err != nil {
					t.Errorf("Intake %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		c, _ := newComment(0, moderation.StatusPending)
		stored, err := db.CommentBySource(context.Background(), c.Source, c.ExternalID)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Transition(context.Background(), decision(&stored, moderation.StatusPending, moderation.StatusPublished, t0.Add(time.Hour)), nil, moderation.Effects{}); err != nil {
			t.Fatal(err)
		}

		log.mu.Lock()
		defer log.mu.Unlock()
		sum := 0
		for i, s := range log.sizes {
			sum += s
			if s < 1 || s > cfg.BatchMax {
				t.Errorf("batch %d of %d requests, want 1 to %d", i, s, cfg.BatchMax)
			}
			if log.durs[i] < 0 {
				t.Errorf("batch %d took %v", i, log.durs[i])
			}
		}
		st := db.WriteStats()
		// n-1 intakes (the ejected one is not counted) and one transition.
		if want := n; sum != want || int64(sum) != st.Requests {
			t.Errorf("observed batches sum to %d requests, want %d (WriteStats: %d)", sum, want, st.Requests)
		}
		if int64(len(log.sizes)) != st.Commits {
			t.Errorf("%d batches observed, %d commits", len(log.sizes), st.Commits)
		}
		if len(log.sizes) >= n {
			t.Errorf("%d batches for %d requests: they were not grouped", len(log.sizes), n)
		}
	})
}

// Once the observer is removed, batches are no longer reported.
func TestBatchObserverOff(t *testing.T) {
	db := openDB(t, sqliteConfig(t))
	var log batchLog
	db.SetBatchObserver(log.observe)
	mustIntake(t, db, 1, moderation.StatusPublished)
	db.SetBatchObserver(nil)
	mustIntake(t, db, 2, moderation.StatusPublished)
	log.mu.Lock()
	defer log.mu.Unlock()
	if len(log.sizes) != 1 || log.sizes[0] != 1 {
		t.Errorf("batches observed %v, want [1]", log.sizes)
	}
}
