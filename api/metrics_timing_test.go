package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"vigie/rules"
)

// TestTimingHistograms: after comments taken in through the API, the
// classify histogram counts each comment judged, language detection each
// one it ran on, and the writer's batch histograms add up to its counters:
// the batch sizes sum to the write requests, one batch per commit.
func TestTimingHistograms(t *testing.T) {
	eachStore(t, func(t *testing.T, s *testServer) {
		const n = 40
		postConcurrently(t, s, n)
		// A repeated delivery is judged again (intake does not look before
		// classifying) and is a write request answered "duplicate".
		dup := fmt.Sprintf(`{"source":"api:site","external_id":"p0","text":%q,"author":{"id":"a0"}}`, publishedText(0))
		if r := s.do(t, "POST", "/api/v1/comments", testToken, []byte(dup)); r.Status != http.StatusOK {
			t.Fatalf("repeated delivery: %d %s, want 200", r.Status, r.Raw)
		}
		const judged, writes = n + 1, n + 1

		body := scrape(t, s.URL, "")
		wantSample(t, body, "vigie_classify_duration_seconds_count", judged)
		if got := sample(t, body, "vigie_language_detection_duration_seconds_count"); got < 1 || got > judged {
			t.Errorf("language detection observed %v times, want 1 to %d (detection is on)", got, judged)
		}
		requests := sample(t, body, "vigie_storage_write_requests_total")
		commits := sample(t, body, "vigie_storage_commits_total")
		if requests != writes {
			t.Errorf("vigie_storage_write_requests_total = %v, want %d", requests, writes)
		}
		wantSample(t, body, "vigie_storage_batch_rows_sum", requests)
		wantSample(t, body, "vigie_storage_batch_rows_count", commits)
		wantSample(t, body, "vigie_storage_commit_duration_seconds_count", commits)
		wantSample(t, body, `vigie_storage_batch_rows_bucket{le="+Inf"}`, commits)
	})
}

// TestLanguageDetectionOffIsNotObserved: with rules.language_detection off,
// every comment is still timed, and detection never.
func TestLanguageDetectionOffIsNotObserved(t *testing.T) {
	s := newServerWith(t, storageSQLite(t), serverOptions{Rules: func(st *rules.Settings) { st.LanguageDetection = false }})
	const n = 10
	postConcurrently(t, s, n)
	body := scrape(t, s.URL, "")
	wantSample(t, body, "vigie_classify_duration_seconds_count", n)
	wantSample(t, body, "vigie_language_detection_duration_seconds_count", 0)
	wantSample(t, body, "vigie_storage_batch_rows_sum", n)
}

// postConcurrently takes in n new comments from a few clients at once, so
// the writer groups some of them.
func postConcurrently(t *testing.T, s *testServer, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for c := range 8 {
		wg.Go(func() {
			for i := c; i < n; i += 8 {
				b := fmt.Sprintf(`{"source":"api:site","external_id":"p%d","text":%q,"author":{"id":"a%d"}}`, i, publishedText(i), i)
				req, _ := http.NewRequest("POST", s.URL+"/api/v1/comments", bytes.NewReader([]byte(b)))
				req.Header.Set("Authorization", "Bearer "+testToken)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err
					continue
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					errs <- fmt.Errorf("intake p%d: %d", i, resp.StatusCode)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
}

// sample is the value of one series in a /metrics body.
func sample(t *testing.T, body, name string) float64 {
	t.Helper()
	for _, l := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(l, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return f
		}
	}
	t.Fatalf("no %s in /metrics:\n%s", name, strings.Join(series(body, "vigie_"), "\n"))
	return 0
}

func wantSample(t *testing.T, body, name string, want float64) {
	t.Helper()
	if got := sample(t, body, name); got != want {
		t.Errorf("%s = %v, want %v", name, got, want)
	}
}
