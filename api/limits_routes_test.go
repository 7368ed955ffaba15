package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"vigie/api"
	"vigie/api/facebook"
)

// refused takes in a comment the default rules refuse and returns its id.
func (s *limitedServer) refused(t *testing.T, n int) int64 {
	t.Helper()
	a := s.call(t, "POST", "/api/v1/comments",
		fmt.Sprintf(`{"source":"api:test","external_id":"r-%d","text":%q}`, n, refusedText(n)), "Authorization", "Bearer "+tokenA)
	var got struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal([]byte(a.Body), &got); err != nil || a.Status != http.StatusCreated || got.Status != "refused" {
		t.Fatalf("intake %d: status %d, %+v (%v), want 201 refused: %s", n, a.Status, got, err, a.Body)
	}
	return got.ID
}

func (s *limitedServer) appeal(t *testing.T, id int64, hdr ...string) answer {
	t.Helper()
	return s.call(t, "POST", fmt.Sprintf("/api/v1/comments/%d/appeal", id), `{"statement":"Ce n'était pas une insulte."}`,
		append([]string{"Authorization", "Bearer " + tokenA}, hdr...)...)
}

// Appeals are limited per address, before the token is looked at: the
// burst goes through, the next gets 429 with Retry-After (the default's
// one every 10 s here), another address is not held back, and once the
// wait has passed an appeal is taken again.
func TestAppealIsLimitedPerAddress(t *testing.T) {
	s := newLimitedServer(t, api.Limits{Appeal: api.Rate{PerSecond: 0.1, Burst: 5}}, "127.0.0.1")
	var ids []int64
	for i := range 8 {
		ids = append(ids, s.refused(t, i))
	}
	const client = "203.0.113.7"
	for i := range 5 {
		if a := s.appeal(t, ids[i], "X-Forwarded-For", client); a.Status != http.StatusCreated {
			t.Fatalf("appeal %d within the burst: status %d, want 201: %s", i, a.Status, a.Body)
		}
	}
	wait := wantLimited(t, "6th appeal from the address", s.appeal(t, ids[5], "X-Forwarded-For", client))
	if wait != 10*time.Second {
		t.Errorf("Retry-After %s, want 10s (one appeal every 10 s)", wait)
	}
	wantLimited(t, "an appeal without a token, same address", s.call(t, "POST", fmt.Sprintf("/api/v1/comments/%d/appeal", ids[5]),
		`{"statement":"x"}`, "X-Forwarded-For", client))
	if a := s.appeal(t, ids[5], "X-Forwarded-For", "198.51.100.9"); a.Status != http.StatusCreated {
		t.Fatalf("another address while the first is limited: status %d, want 201: %s", a.Status, a.Body)
	}
	// Intake from the limited address is another route, with its own limit.
	if a := s.call(t, "POST", "/api/v1/comments", `{"source":"api:test","external_id":"p-1","text":"Merci."}`,
		"Authorization", "Bearer "+tokenA, "X-Forwarded-For", client); a.Status != http.StatusCreated {
		t.Errorf("intake from the limited address: %d, want 201: %s", a.Status, a.Body)
	}
	s.Clock.Advance(wait)
	if a := s.appeal(t, ids[6], "X-Forwarded-For", client); a.Status != http.StatusCreated {
		t.Fatalf("appeal after Retry-After: status %d, want 201: %s", a.Status, a.Body)
	}
	wantLimited(t, "again at once", s.appeal(t, ids[7], "X-Forwarded-For", client))
	if got := s.metric(t, `vigie_http_rate_limited_total{class="appeal"}`); got != 3 {
		t.Errorf("limited appeals counted %v, want 3", got)
	}
	// A refused appeal was not opened: the comment takes one later.
	s.Clock.Advance(wait)
	if a := s.appeal(t, ids[7], "X-Forwarded-For", client); a.Status != http.StatusCreated {
		t.Errorf("the appeal refused by the limit, sent again: %d, want 201: %s", a.Status, a.Body)
	}
}

// signedDelivery is a delivery about page 111 with its own comment, signed
// as Meta signs it.
func signedDelivery(n int) (body, signature string) {
	body = fmt.Sprintf(`{"object":"page","entry":[{"id":"111","time":1717171800,"changes":[{"field":"feed","value":{`+
		`"from":{"id":"7001","name":"Ana"},"post_id":"111_555","comment_id":"555_%d","parent_id":"111_555",`+
		`"created_time":1717171798,"item":"comment","verb":"add","message":"Bonjour %d"}}]}]}`, 9000+n, n)
	return body, facebook.Sign(whSecret, []byte(body))
}

// The webhook is limited per address, before the body is read: past the
// burst a delivery gets 429 with Retry-After and is not stored (Meta
// delivers it again); every delivery answered 200 is in the inbox, and the
// one refused is taken when sent again after the wait.
func TestWebhookIsLimitedPerAddress(t *testing.T) {
	s := newLimitedServerWith(t, api.Limits{Webhook: api.Rate{PerSecond: 2, Burst: 4}}, limitedOptions{Facebook: true})
	deliver := func(n int) answer {
		body, sig := signedDelivery(n)
		return s.call(t, "POST", "/webhooks/facebook", body, facebook.SignatureHeader, sig)
	}
	for i := range 4 {
		if a := deliver(i); a.Status != http.StatusOK {
			t.Fatalf("delivery %d within the burst: status %d, want 200: %s", i, a.Status, a.Body)
		}
	}
	wait := wantLimited(t, "5th delivery", deliver(4))
	if wait != time.Second {
		t.Errorf("Retry-After %s, want 1s (half a second to one delivery, rounded up)", wait)
	}
	// Unsigned posts are limited the same: the flood this is for.
	wantLimited(t, "unsigned post", s.call(t, "POST", "/webhooks/facebook", `{}`))
	// The handshake (GET) is not a delivery.
	if a := s.call(t, "GET", "/webhooks/facebook?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42", ""); a.Status != http.StatusOK || a.Body != "42" {
		t.Errorf("handshake while deliveries are limited: %d %q, want 200 42", a.Status, a.Body)
	}
	if n := s.inbox(t); n != 4 {
		t.Fatalf("%d deliveries in the inbox, want the 4 answered 200", n)
	}
	s.Clock.Advance(wait)
	if a := deliver(4); a.Status != http.StatusOK {
		t.Fatalf("the refused delivery sent again after Retry-After: %d, want 200: %s", a.Status, a.Body)
	}
	if n := s.inbox(t); n != 5 {
		t.Errorf("%d deliveries in the inbox, want 5", n)
	}
	if got := s.metric(t, `vigie_http_rate_limited_total{class="webhook"}`); got != 2 {
		t.Errorf("limited deliveries counted %v, want 2", got)
	}
	if got := s.metric(t, `vigie_facebook_deliveries_received_total`); got != 5 {
		t.Errorf("deliveries received %v, want 5: a refused one never reached the handler", got)
	}
}

// inbox counts the deliveries stored and not yet applied (no worker runs
// here), as /metrics reports them.
func (s *limitedServer) inbox(t *testing.T) int {
	t.Helper()
	return int(s.metric(t, "vigie_inbox_pending"))
}
