package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	"vigie/api"
)

const (
	tokA     = "token-for-source-a-0123456789"
	tokRead  = "token-that-reads-a-0123456789"
	tokBoth  = "token-intake-read-a-0123456789"
	tokWrite = "token-intake-only-any-0123456789"
)

var scopedTokens = []api.TokenSpec{
	{Digest: hashToken(tokA), Grant: api.Grant{Name: "a", Scopes: []string{api.ScopeIntake}, Sources: []string{"api:a"}}},
	{Digest: hashToken(tokRead), Grant: api.Grant{Name: "reader", Scopes: []string{api.ScopeRead}, Sources: []string{"api:a"}}},
	{Digest: hashToken(tokBoth), Grant: api.Grant{Name: "both", Scopes: api.Scopes, Sources: []string{"api:*"}}},
	{Digest: hashToken(tokWrite), Grant: api.Grant{Name: "any", Scopes: []string{api.ScopeIntake}, Sources: []string{"*"}}},
}

// TestTokenScopes: a token scoped to api:a cannot write to api:b nor read
// comments; reading takes the read scope and stays within the sources; a
// "*" token never writes under the Facebook connector's sources.
func TestTokenScopes(t *testing.T) {
	eachStoreWith(t, serverOptions{Tokens: scopedTokens}, testTokenScopes)
}

func testTokenScopes(t *testing.T, s *testServer) {
	body := func(src, id string) []byte {
		return fmt.Appendf(nil, `{"source":%q,"external_id":%q,"text":"Merci pour ces explications."}`, src, id)
	}
	refused := func(r response, status int, code, field string) {
		t.Helper()
		e, _ := r.Body["error"].(map[string]any)
		if r.Status != status || e == nil || e["code"] != code || (field != "" && e["field"] != field) {
			t.Fatalf("got %d %s, want %d %s (field %q)", r.Status, r.Raw, status, code, field)
		}
	}

	before := s.eventCount(t)
	refused(s.do(t, "POST", "/api/v1/comments", tokA, body("api:b", "1")), 403, "forbidden_source", "source")
	// The source is checked in its canonical form: " API:b" is api:b.
	refused(s.do(t, "POST", "/api/v1/comments", tokA, body(" API:b", "1")), 403, "forbidden_source", "source")
	refused(s.do(t, "POST", "/api/v1/comments", tokWrite, body("facebook:123", "1")), 403, "forbidden_source", "source")
	refused(s.do(t, "POST", "/api/v1/comments", tokRead, body("api:a", "1")), 403, "forbidden", "")
	if n := s.eventCount(t); n != before {
		t.Fatalf("%d events written by refused requests", n-before)
	}

	r := s.do(t, "POST", "/api/v1/comments", tokA, body(" API:a", "1"))
	if r.Status != http.StatusCreated {
		t.Fatalf("token of api:a writing to api:a: %d %s", r.Status, r.Raw)
	}
	idA := int64(r.Body["id"].(float64))
	r = s.do(t, "POST", "/api/v1/comments", tokBoth, body("api:b", "2"))
	if r.Status != http.StatusCreated {
		t.Fatalf("token of api:* writing to api:b: %d %s", r.Status, r.Raw)
	}
	idB := int64(r.Body["id"].(float64))

	path := func(id int64) string { return fmt.Sprintf("/api/v1/comments/%d", id) }
	// Intake alone does not read back, not even its own source's comments.
	refused(s.do(t, "GET", path(idA), tokA, nil), 403, "forbidden", "")
	refused(s.do(t, "GET", path(idA), tokWrite, nil), 403, "forbidden", "")
	if r := s.do(t, "GET", path(idA), tokRead, nil); r.Status != 200 || r.Body["text"] == nil {
		t.Fatalf("read token of api:a reading an api:a comment: %d %s", r.Status, r.Raw)
	}
	// Another source's comment is not found, as if it did not exist.
	refused(s.do(t, "GET", path(idB), tokRead, nil), 404, "not_found", "")
	if r := s.do(t, "GET", path(idB), tokBoth, nil); r.Status != 200 {
		t.Fatalf("api:* read token reading api:b: %d %s", r.Status, r.Raw)
	}

	// Appeals on an author's behalf: intake scope, own sources only.
	appeal := []byte(`{"statement":"Ce n'était pas une insulte."}`)
	refused(s.do(t, "POST", path(idB)+"/appeal", tokA, appeal), 404, "not_found", "")
	refused(s.do(t, "POST", path(idA)+"/appeal", tokRead, appeal), 403, "forbidden", "")
}

// TestNonJSONBodiesAre415: the JSON API takes JSON only; nothing written.
func TestNonJSONBodiesAre415(t *testing.T) {
	s := newTestServer(t)
	ok := `{"source":"api:test","external_id":"1","text":"Bonjour"}`
	for _, ct := range []string{"", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x", "application/jsonx", "json"} {
		req, _ := http.NewRequest("POST", s.URL+"/api/v1/comments", bytes.NewReader([]byte(ok)))
		req.Header.Set("Authorization", "Bearer "+testToken)
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("Content-Type %q: status %d, want 415", ct, resp.StatusCode)
		}
	}
	if n := s.eventCount(t); n != 0 {
		t.Fatalf("%d events written by 415 requests", n)
	}
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json"} {
		req, _ := http.NewRequest("POST", s.URL+"/api/v1/comments", bytes.NewReader(fmt.Appendf(nil, `{"source":"api:test","external_id":%q,"text":"Bonjour"}`, ct)))
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", ct)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Errorf("Content-Type %q: status %d, want 201", ct, resp.StatusCode)
		}
	}
}
