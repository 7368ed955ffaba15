package moderation_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	. "vigie/moderation"
	"vigie/rules"
	"vigie/storage"
)

// timings records what an Observer is told.
type timings struct {
	mu          sync.Mutex
	total, lang []time.Duration
}

func (o *timings) ObserveClassify(total, lang time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.total, o.lang = append(o.total, total), append(o.lang, lang)
}

// TestObserverTimesEachClassify: the observer hears once per comment the
// rules judge, on intake and on a platform edit; language detection's part
// is within the total, and zero when detection is off. Without an observer
// nothing is reported.
func TestObserverTimesEachClassify(t *testing.T) {
	for _, detect := range []bool{true, false} {
		t.Run(fmt.Sprintf("language_detection=%v", detect), func(t *testing.T) {
			ctx := context.Background()
			settings := rules.DefaultSettings()
			settings.LanguageDetection = detect
			rs, err := rules.Load(settings, rules.Options{Languages: []string{"fr", "en"}})
			if err != nil {
				t.Fatal(err)
			}
			db, err := storage.Open(ctx, storage.Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "vigie.db")}, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			svc := NewService(db, rs, Options{})
			var o timings
			svc.SetObserver(&o)
			for i := range 3 {
				n := NewComment{Source: "api:test", ExternalID: fmt.Sprint(i), Text: fmt.Sprintf("Merci pour ces explications, point %d.", i)}
				if _, err := svc.Intake(ctx, n); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := svc.Edit(ctx, "api:test", "0", "Merci, c'est plus clair maintenant."); err != nil {
				t.Fatal(err)
			}
			svc.SetObserver(nil)
			if _, err := svc.Intake(ctx, NewComment{Source: "api:test", ExternalID: "off", Text: "Bonne journée."}); err != nil {
				t.Fatal(err)
			}

			o.mu.Lock()
			defer o.mu.Unlock()
			if len(o.total) != 4 {
				t.Fatalf("%d classify timings, want 4 (3 intakes, 1 edit; none once removed)", len(o.total))
			}
			for i := range o.total {
				if o.lang[i] < 0 || o.lang[i] > o.total[i] {
					t.Errorf("timing %d: language %v of a total %v", i, o.lang[i], o.total[i])
				}
				if !detect && o.lang[i] != 0 {
					t.Errorf("timing %d: language %v with detection off, want 0", i, o.lang[i])
				}
			}
		})
	}
}
