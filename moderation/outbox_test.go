package moderation_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"vigie/moderation"
	"vigie/moderation/moderationtest"
)

// memOutbox is an in-memory OutboxStore for the worker's own logic; the
// real stores are tested in storage on both databases.
type memOutbox struct {
	mu    sync.Mutex
	items []moderation.OutboxItem
}

func (m *memOutbox) ClaimOutbox(_ context.Context, holder string, now, until time.Time, limit int) ([]moderation.OutboxItem, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []moderation.OutboxItem
	for _, it := range m.items {
		if it.State == moderation.OutboxPending && !it.NextAt.After(now) && len(out) < limit {
			out = append(out, it)
		}
	}
	return out, nil
}

func (m *memOutbox) FinishOutbox(_ context.Context, id int64, _ string, r moderation.OutboxResult, _ time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.items {
		if m.items[i].ID == id {
			it := &m.items[i]
			it.State, it.LastError, it.Alert, it.Attempts = r.State, r.Error, r.Alert, it.Attempts+1
			if r.State == moderation.OutboxPending {
				it.NextAt = r.NextAt
			}
			return nil
		}
	}
	return moderation.ErrNotFound
}

func (m *memOutbox) OutboxStats(context.Context) (moderation.OutboxStats, error) {
	return moderation.OutboxStats{}, nil
}

func (m *memOutbox) OutboxItems(context.Context, moderation.OutboxState, int) ([]moderation.OutboxItem, error) {
	return nil, nil
}

func (m *memOutbox) RequeueOutbox(context.Context, int64, time.Time) error { return nil }

// scripted answers each Perform with the next error of its list.
type scripted struct{ errs []error }

func (s *scripted) Perform(context.Context, moderation.OutboxItem) error {
	if len(s.errs) == 0 {
		return nil
	}
	err := s.errs[0]
	s.errs = s.errs[1:]
	return err
}

func TestOutboxWorkerRetriesWithBackoffThenGivesUpOnPermanentErrors(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		errs      []error
		wantState moderation.OutboxState
		wantRuns  int
		wantAlert bool
	}{
		{"done at once", nil, moderation.OutboxDone, 1, false},
		{"throttled twice, then done", []error{
			&moderation.PlatformError{RetryAfter: time.Minute, Err: errors.New("80001")},
			&moderation.PlatformError{Err: errors.New("80001")},
		}, moderation.OutboxDone, 3, false},
		{"a permanent error stops at once", []error{&moderation.PlatformError{Permanent: true, Err: errors.New("10")}}, moderation.OutboxFailed, 1, false},
		{"an expired token raises an alert", []error{&moderation.PlatformError{Alert: true, Err: errors.New("190")}}, moderation.OutboxFailed, 1, true},
		{"a plain error is transient", []error{errors.New("connection reset")}, moderation.OutboxDone, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := moderationtest.NewClock(t0)
			store := &memOutbox{items: []moderation.OutboxItem{{ID: 1, Kind: moderation.ActionHide, State: moderation.OutboxPending, NextAt: t0}}}
			w := &moderation.OutboxWorker{Store: store, Platform: &scripted{errs: tc.errs}, Clock: clock, Holder: "w1",
				Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Random: func() float64 { return 0.5 }}
			runs := 0
			for range 10 {
				n, err := w.RunOnce(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				runs += n
				if st := store.items[0]; st.State != moderation.OutboxPending {
					break
				} else if n > 0 && !st.NextAt.After(clock.Now()) {
					t.Fatalf("a retry is due at once (next %s, now %s): no backoff", st.NextAt, clock.Now())
				}
				clock.Advance(time.Hour)
			}
			got := store.items[0]
			if got.State != tc.wantState || runs != tc.wantRuns || got.Alert != tc.wantAlert {
				t.Errorf("state %s after %d attempts, alert %v; want %s after %d, alert %v", got.State, runs, got.Alert, tc.wantState, tc.wantRuns, tc.wantAlert)
			}
		})
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	one := func() float64 { return 0.999999 }
	prev := time.Duration(0)
	for n := 1; n <= 12; n++ {
		d := moderation.Backoff(n, one)
		if d < prev {
			t.Errorf("attempt %d waits %s, less than %s before", n, d, prev)
		}
		prev = d
	}
	if d := moderation.Backoff(40, one); d > 15*time.Minute {
		t.Errorf("backoff %s over the 15 min cap", d)
	}
	if d := moderation.Backoff(5, func() float64 { return 0 }); d != 0 {
		t.Errorf("full jitter may wait 0, got %s", d)
	}
}
