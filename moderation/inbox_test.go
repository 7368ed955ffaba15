package moderation_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"vigie/moderation"
	"vigie/moderation/moderationtest"
)

// memInbox holds deliveries in memory for the worker's own logic; the real
// stores are tested in storage on both databases.
type memInbox struct {
	moderation.InboxStore // RunOnce calls only the two methods below
	ds                    []moderation.Delivery
	states                map[int64]moderation.OutboxState
}

func (m *memInbox) ClaimDeliveries(_ context.Context, _ string, now, _ time.Time, limit int) ([]moderation.Delivery, error) {
	var out []moderation.Delivery
	for _, d := range m.ds {
		if m.states[d.ID] == moderation.OutboxPending && len(out) < limit {
			out = append(out, d)
		}
	}
	return out, nil
}

func (m *memInbox) FinishDelivery(_ context.Context, id int64, _ string, state moderation.OutboxState, _ string, _, _ time.Time) error {
	m.states[id] = state
	for i := range m.ds {
		if m.ds[i].ID == id {
			m.ds[i].Attempts++
		}
	}
	return nil
}

// TestAPanickingDeliveryFailsAloneAndIsGivenUpOn: a delivery whose handling
// panics does not take the worker down; it is retried like any failure,
// and after the last attempt kept as failed, while the others are applied.
func TestAPanickingDeliveryFailsAloneAndIsGivenUpOn(t *testing.T) {
	store := &memInbox{ds: []moderation.Delivery{{ID: 1}, {ID: 2}}, states: map[int64]moderation.OutboxState{1: moderation.OutboxPending, 2: moderation.OutboxPending}}
	applied := 0
	w := &moderation.InboxWorker{Store: store, Clock: moderationtest.NewClock(time.Now()), Holder: "w",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Random: func() float64 { return 0 },
		Handle: func(_ context.Context, d moderation.Delivery) error {
			if d.ID == 1 {
				panic("an odd delivery")
			}
			applied++
			return nil
		}}
	for round := 0; round < 100 && store.states[1] == moderation.OutboxPending; round++ {
		if _, err := w.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if store.states[1] != moderation.OutboxFailed || store.states[2] != moderation.OutboxDone || applied != 1 {
		t.Errorf("states %v, %d applied; want the panicking delivery failed and the other done once", store.states, applied)
	}
	if a := store.ds[0].Attempts; a < 2 || a > 30 {
		t.Errorf("the panicking delivery was tried %d times, want a bounded number of retries", a)
	}
}
