package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"vigie/storage/storagetest"
)

// TestTwoInstancesShareOnePostgreSQL: two `vigie serve` processes on one
// PostgreSQL database, as behind a load balancer. Every comment is posted to
// both (a retried delivery landing on the other instance): one comment each,
// one hash chain, and each instance's public report counts all of them.
func TestTwoInstancesShareOnePostgreSQL(t *testing.T) {
	dsn := storagetest.PostgresDSN(t)
	cfg := postgresConfig(t, dsn)
	a := startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken)
	b := startServer(t, cfg, "VIGIE_API_TOKEN="+testAPIToken)
	client := &http.Client{Timeout: 10 * time.Second}

	const n = 120
	ids := make([][2]string, n)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 4 {
				text := fmt.Sprintf("Commentaire %d : merci pour la réponse", i)
				if i%4 == 0 {
					text = fmt.Sprintf("Commentaire %d : espèce de connard", i)
				}
				body := fmt.Sprintf(`{"source":"api:lb","external_id":"%d","text":%q}`, i, text)
				for k, s := range []*server{a, b} {
					code, resp, err := s.post(client, body)
					if err != nil || code/100 != 2 {
						t.Errorf("comment %d on instance %d: %d %s %v", i, k, code, resp, err)
						return
					}
					var r struct{ ID json.Number }
					_ = json.Unmarshal(resp, &r)
					ids[i][k] = r.ID.String()
				}
			}
		}()
	}
	wg.Wait()
	for i, pair := range ids {
		if pair[0] == "" || pair[0] != pair[1] {
			t.Fatalf("comment %d got ids %v from the two instances, want one id", i, pair)
		}
	}

	// Each instance's report sees every comment, whoever took it in.
	for k, s := range []*server{a, b} {
		resp, err := client.Get("http://" + s.addr + "/transparency.json")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var r struct {
			Headline struct{ Received, Refused, Published int64 }
			Chain    struct {
				LastSeq int64 `json:"last_seq"`
			}
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatalf("instance %d report: %v", k, err)
		}
		if r.Headline.Received != n || r.Headline.Refused != n/4 || r.Chain.LastSeq != n {
			t.Errorf("instance %d reports %+v (last seq %d), want %d received, %d refused, %d events", k, r.Headline, r.Chain.LastSeq, n, n/4, n)
		}
	}
	for _, s := range []*server{a, b} {
		s.cmd.Process.Signal(syscall.SIGTERM)
		if err := <-s.done; err != nil {
			t.Errorf("SIGTERM: %v\n%s", err, s.log())
		}
	}
	out, err := exec.Command(vigieBinary(t), "verify", "--config", cfg).CombinedOutput()
	if err != nil {
		t.Fatalf("verify: %v\n%s", err, out)
	}
}
