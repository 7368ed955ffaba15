package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"vigie/storage/storagetest"
)

// TestTwoInstancesIntakeAndDecideAtOnce: two `vigie serve` processes on one
// PostgreSQL take new comments while a moderator reinstates refused ones
// through both at once. Then both report the same figures (every
// reinstatement counted as wrongly removed), the chain has one event per
// change, and verify — chain, database against log, report counts — passes.
func TestTwoInstancesIntakeAndDecideAtOnce(t *testing.T) {
	dsn := storagetest.PostgresDSN(t)
	cfg := postgresConfig(t, dsn)
	env := []string{"VIGIE_API_TOKEN=" + testAPIToken, "VIGIE_ADMIN_PASSWORD=un mot de passe assez long"}
	a := startServer(t, cfg, env...)
	b := startServer(t, cfg, env...)
	code, out, errOut := concRunEnv(t, nil, "", "user", "token", "admin", "--config", cfg)
	if code != 0 {
		t.Fatalf("user token: %s", errOut)
	}
	admin := strings.TrimSpace(out)
	client := &http.Client{Timeout: 10 * time.Second}
	servers := []*server{a, b}

	// Twenty refused comments to reinstate.
	const refused = 20
	var ids []int64
	for i := range refused {
		code, body, err := a.post(client, fmt.Sprintf(`{"source":"api:lb","external_id":"r%d","text":"Commentaire %d : espèce de connard"}`, i, i))
		var r struct {
			ID     int64
			Status string
		}
		_ = json.Unmarshal(body, &r)
		if err != nil || code != http.StatusCreated || r.Status != "refused" {
			t.Fatalf("seed %d: %d %s %v", i, code, body, err)
		}
		ids = append(ids, r.ID)
	}

	const fresh = 80
	var wg sync.WaitGroup
	for w := range 2 { // intake through both
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < fresh; i += 2 {
				body := fmt.Sprintf(`{"source":"api:lb","external_id":"p%d","text":"Commentaire %d : merci pour la réponse"}`, i, i)
				if code, resp, err := servers[i%2].post(client, body); err != nil || code != http.StatusCreated {
					t.Errorf("intake %d: %d %s %v", i, code, resp, err)
				}
			}
		}()
	}
	for w := range 2 { // reinstatements through both, at the same time
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := w; k < refused; k += 2 {
				req, _ := http.NewRequest("POST", fmt.Sprintf("http://%s/api/v1/comments/%d/reexamine", servers[k%2].addr, ids[k]),
					strings.NewReader(`{"action":"reinstate","note":"not an insult in context"}`))
				req.Header.Set("Authorization", "Bearer "+admin)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					t.Errorf("reinstate %d: %v", ids[k], err)
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("reinstate %d: %d %s", ids[k], resp.StatusCode, body)
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	var reports [2]string
	for k, s := range servers {
		resp, err := client.Get("http://" + s.addr + "/transparency.json")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var r struct {
			Headline struct {
				Received       int64 `json:"received"`
				WronglyRemoved int64 `json:"wrongly_removed"`
			} `json:"headline"`
			Chain struct {
				LastSeq int64 `json:"last_seq"`
			}
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatalf("instance %d report: %v", k, err)
		}
		var h struct {
			Headline json.RawMessage `json:"headline"`
		}
		_ = json.Unmarshal(raw, &h)
		reports[k] = string(h.Headline)
		if r.Headline.Received != refused+fresh || r.Chain.LastSeq != refused+fresh+refused {
			t.Errorf("instance %d: received %d, last seq %d; want %d and %d", k, r.Headline.Received, r.Chain.LastSeq, refused+fresh, refused+fresh+refused)
		}
		if r.Headline.WronglyRemoved != refused {
			t.Errorf("instance %d: headline %s, want %d wrongly removed", k, reports[k], refused)
		}
	}
	if reports[0] != reports[1] {
		t.Errorf("the two instances report differently:\n%s\n%s", reports[0], reports[1])
	}
	for _, s := range servers {
		s.cmd.Process.Signal(syscall.SIGTERM)
		if err := <-s.done; err != nil {
			t.Errorf("SIGTERM: %v\n%s", err, s.log())
		}
	}
	if out, err := exec.Command(vigieBinary(t), "verify", "--config", cfg).CombinedOutput(); err != nil {
		t.Fatalf("verify: %v\n%s", err, out)
	}
}
