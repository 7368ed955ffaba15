package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"vigie/api"
	"vigie/api/facebook"
	"vigie/moderation"
	"vigie/moderation/moderationtest"
	"vigie/rules"
	"vigie/storage"
)

const whSecret = "s3cr3t"

// whServer is the real HTTP stack with the Facebook webhook mounted, over
// a real SQLite file, with moderator accounts on so the session and CSRF
// middleware runs on every request, as in production.
type whServer struct {
	URL  string
	DB   *storage.DB
	Wake chan struct{}
	log  *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newWebhookServer(t *testing.T, withFacebook bool) *whServer {
	t.Helper()
	ctx := context.Background()
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	db, err := storage.Open(ctx, storage.Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "vigie.db")}, log)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rules.Load(rules.DefaultSettings(), rules.Options{Languages: []string{"fr", "en"}})
	if err != nil {
		t.Fatal(err)
	}
	clock := moderationtest.NewClock(testEpoch)
	svc := moderation.NewService(db, rs, moderation.Options{Clock: clock})
	s := &whServer{DB: db, Wake: make(chan struct{}, 1), log: logs}
	deps := api.Deps{Service: svc, Accounts: moderation.NewAccounts(db, clock), Log: log}
	if withFacebook {
		deps.Facebook = &api.FacebookDeps{AppSecret: whSecret, VerifyToken: "verify-me",
			Pages: map[string]bool{"111": true, "222": true}, Inbox: db, Outbox: db, Wake: s.Wake}
	}
	srv := httptest.NewServer(api.New(deps))
	t.Cleanup(func() {
		srv.Close()
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	s.URL = srv.URL
	return s
}

// post sends a delivery with the given signature header ("" for none) and
// extra headers.
func (s *whServer) post(t *testing.T, body io.Reader, signature string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", s.URL+"/webhooks/facebook", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set(facebook.SignatureHeader, signature)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// stored returns the bodies of the deliveries waiting in the inbox.
func (s *whServer) stored(t *testing.T) []string {
	t.Helper()
	ds, err := s.DB.ClaimDeliveries(context.Background(), "test", testEpoch.AddDate(10, 0, 0), testEpoch.AddDate(10, 0, 1), 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range ds {
		out = append(out, string(d.Body))
	}
	return out
}

func (s *whServer) metrics(t *testing.T) string {
	t.Helper()
	resp, err := http.Get(s.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// A delivery as Meta sends it: non-ASCII escaped, slashes escaped, so a
// decoded and re-encoded body would not match its signature.
const whDelivery = `{"object":"page","entry":[{"id":"111","time":1717171800,"changes":[{"field":"feed","value":{` +
	`"from":{"id":"7001","name":"Ana Souza"},"post_id":"111_555","comment_id":"555_901","parent_id":"111_555",` +
	`"created_time":1717171798,"item":"comment","verb":"add","message":"Caf\u00e9 ferm\u00e9 \u2014 lien http:\/\/x.example"}}]}]}`

func TestWebhookHandshakeEchoesTheChallengeOnlyForTheVerifyToken(t *testing.T) {
	s := newWebhookServer(t, true)
	cases := []struct {
		name, query string
		status      int
		body        string
	}{
		{"right token", "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me", 200, "1158201444"},
		{"wrong token", "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess", 403, ""},
		{"no token", "hub.mode=subscribe&hub.challenge=1158201444", 403, ""},
		{"other mode", "hub.mode=unsubscribe&hub.challenge=1158201444&hub.verify_token=verify-me", 403, ""},
		{"a challenge that is not digits is not echoed", "hub.mode=subscribe&hub.challenge=%3Cscript%3E&hub.verify_token=verify-me", 403, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Get(s.URL + "/webhooks/facebook?" + tc.query)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, b)
			}
			if tc.status == 200 {
				if string(b) != tc.body || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
					t.Errorf("answer %q (%s), want the raw challenge %q as text/plain", b, resp.Header.Get("Content-Type"), tc.body)
				}
			}
		})
	}
}

func TestWebhookStoresASignedDeliveryByteForByteAndWakesTheWorker(t *testing.T) {
	s := newWebhookServer(t, true)
	// A stray session cookie and Bearer header must not get in the way:
	// the signature is the webhook's only credential.
	code, body := s.post(t, strings.NewReader(whDelivery), facebook.Sign(whSecret, []byte(whDelivery)),
		"Cookie", "vigie_session=not-a-session", "X-Hub-Signature", "sha1=0000")
	if code != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", code, body)
	}
	select {
	case <-s.Wake:
	default:
		t.Error("the inbox worker was not woken")
	}
	if got := s.stored(t); len(got) != 1 || got[0] != whDelivery {
		t.Fatalf("stored %q, want exactly the bytes received", got)
	}
	m := s.metrics(t)
	for _, want := range []string{
		"vigie_facebook_deliveries_received_total 1",
		`vigie_facebook_deliveries_total{result="stored"} 1`,
		`vigie_facebook_deliveries_total{result="bad_signature"} 0`,
		"vigie_outbox_pending 0", "vigie_outbox_alerts 0", "vigie_inbox_failed 0",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestWebhookRefusesADeliveryWithoutItsSignatureAndStoresNothing(t *testing.T) {
	s := newWebhookServer(t, true)
	// The same delivery decoded and encoded again: the text is the same,
	// the bytes are not (Go writes é and / as they are).
	var v any
	if err := json.Unmarshal([]byte(whDelivery), &v); err != nil {
		t.Fatal(err)
	}
	reencoded, _ := json.Marshal(v)
	valid := facebook.Sign(whSecret, []byte(whDelivery))
	cases := []struct{ name, signature string }{
		{"no signature", ""},
		{"signed with another secret", facebook.Sign("other", []byte(whDelivery))},
		{"signature of the re-encoded body", facebook.Sign(whSecret, reencoded)},
		{"upper-case hex", "sha256=" + strings.ToUpper(strings.TrimPrefix(valid, "sha256="))},
		{"no algorithm", strings.TrimPrefix(valid, "sha256=")},
		{"sha1 in the sha256 header", "sha1=53d211779896a61a293e6258ce6c2935b8c1496c"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if code, body := s.post(t, strings.NewReader(whDelivery), tc.signature); code != http.StatusForbidden {
				t.Fatalf("status %d, want 403: %s", code, body)
			}
		})
	}
	// The re-encoded body under the valid header fails too: the check is
	// over the bytes received.
	if code, _ := s.post(t, bytes.NewReader(reencoded), valid); code != http.StatusForbidden {
		t.Errorf("a body re-encoded after signing: status %d, want 403", code)
	}
	if got := s.stored(t); len(got) != 0 {
		t.Errorf("refused deliveries were stored: %q", got)
	}
	select {
	case <-s.Wake:
		t.Error("a refused delivery woke the worker")
	default:
	}
	if logs := s.log.String(); strings.Contains(logs, "Ana Souza") || strings.Contains(logs, "555_901") || strings.Contains(logs, "Caf") {
		t.Errorf("an unsigned body reached the log:\n%s", logs)
	}
	if m := s.metrics(t); !strings.Contains(m, fmt.Sprintf(`vigie_facebook_deliveries_total{result="bad_signature"} %d`, len(cases)+1)) {
		t.Errorf("refusals not counted:\n%s", grepLines(m, "vigie_facebook"))
	}
}

func TestWebhookAcceptsOneMebibyteAndRefusesMore(t *testing.T) {
	s := newWebhookServer(t, true)
	padded := func(size int) []byte {
		head := `{"object":"page","entry":[{"id":"111","time":1,"changes":[]}],"pad":"`
		return []byte(head + strings.Repeat("x", size-len(head)-2) + `"}`)
	}
	exact := padded(facebook.MaxDeliveryBytes)
	if code, body := s.post(t, bytes.NewReader(exact), facebook.Sign(whSecret, exact)); code != http.StatusOK {
		t.Fatalf("a delivery of exactly 1 MiB: status %d, want 200: %s", code, body)
	}
	over := padded(facebook.MaxDeliveryBytes + 1)
	if code, _ := s.post(t, bytes.NewReader(over), facebook.Sign(whSecret, over)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("1 MiB + 1 with its length announced: status %d, want 413", code)
	}
	// Sent in chunks, no length announced: the limit is on what is read.
	chunked := io.MultiReader(bytes.NewReader(over[:10]), bytes.NewReader(over[10:]))
	if code, _ := s.post(t, chunked, facebook.Sign(whSecret, over)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("1 MiB + 1 chunked: status %d, want 413", code)
	}
	if got := s.stored(t); len(got) != 1 || len(got[0]) != facebook.MaxDeliveryBytes {
		t.Errorf("stored %d deliveries, want only the 1 MiB one", len(got))
	}
	if m := s.metrics(t); !strings.Contains(m, `vigie_facebook_deliveries_total{result="too_large"} 2`) {
		t.Errorf("too large not counted:\n%s", grepLines(m, "vigie_facebook"))
	}
}

func TestWebhookAnswersDeliveriesForOtherPagesWithoutStoringThem(t *testing.T) {
	s := newWebhookServer(t, true)
	other := `{"object":"page","entry":[{"id":"999","time":1,"changes":[{"field":"feed","value":{"item":"comment","verb":"add","comment_id":"1_2","post_id":"999_1","message":"secret text"}}]}]}`
	if code, body := s.post(t, strings.NewReader(other), facebook.Sign(whSecret, []byte(other))); code != http.StatusOK {
		t.Fatalf("status %d, want 200 (Meta must not retry it): %s", code, body)
	}
	if got := s.stored(t); len(got) != 0 {
		t.Errorf("stored %q, want nothing", got)
	}
	logs := s.log.String()
	if !strings.Contains(logs, "999") || strings.Contains(logs, "secret text") {
		t.Errorf("the log must name the page and only the page:\n%s", logs)
	}
	// One page of ours among others: stored whole.
	mixed := `{"object":"page","entry":[{"id":"999","time":1,"changes":[]},{"id":"222","time":1,"changes":[]}]}`
	if code, _ := s.post(t, strings.NewReader(mixed), facebook.Sign(whSecret, []byte(mixed))); code != http.StatusOK {
		t.Fatalf("mixed delivery: status %d", code)
	}
	if got := s.stored(t); len(got) != 1 || got[0] != mixed {
		t.Errorf("stored %q, want the delivery that names page 222", got)
	}
	if m := s.metrics(t); !strings.Contains(m, `vigie_facebook_deliveries_total{result="not_our_page"} 1`) {
		t.Errorf("not counted:\n%s", grepLines(m, "vigie_facebook"))
	}
}

// A signed body that is not a delivery is Meta's all the same: it is kept
// (the worker marks it failed for a person to look at), not dropped.
func TestWebhookKeepsASignedBodyItCannotRead(t *testing.T) {
	s := newWebhookServer(t, true)
	odd := `{"object":"page","entry":"unexpected"}`
	if code, body := s.post(t, strings.NewReader(odd), facebook.Sign(whSecret, []byte(odd))); code != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", code, body)
	}
	if got := s.stored(t); len(got) != 1 || got[0] != odd {
		t.Errorf("stored %q, want the body kept", got)
	}
}

func TestWebhookIsAbsentWithoutFacebook(t *testing.T) {
	s := newWebhookServer(t, false)
	code, _ := s.post(t, strings.NewReader(whDelivery), facebook.Sign(whSecret, []byte(whDelivery)))
	if code != http.StatusNotFound {
		t.Errorf("POST without the connector: status %d, want 404", code)
	}
	if m := s.metrics(t); strings.Contains(m, "vigie_inbox_pending") || strings.Contains(m, "vigie_facebook_") {
		t.Errorf("connector metrics without the connector:\n%s", grepLines(m, "vigie_"))
	}
}

func grepLines(text, prefix string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
