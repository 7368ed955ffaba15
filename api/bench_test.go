package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
)

// BenchmarkIntakeHTTP measures the whole intake path through the real HTTP
// stack on loopback: decode, classify, group commit to SQLite, answer.
// Compare -bench 'IntakeHTTP/grouped' with 'IntakeHTTP/per-commit'.
func BenchmarkIntakeHTTP(b *testing.B) {
	texts := []string{
		"Merci pour ces précisions, mais le calendrier annoncé pour la réforme me semble très optimiste vu les délais habituels.",
		"Thank you for the update. Could you publish the full report so that we can check the figures ourselves, please?",
		"Encore une annonce sans aucun chiffre, vous nous prenez vraiment pour des imbéciles avec ce genre de communication.",
		"Écrivez-moi à jean.dupont@example.fr si vous voulez le détail des erreurs que j'ai relevées dans ce document.",
	}
	for _, sc := range []struct {
		name string
		wait bool
	}{{"grouped", true}, {"per-commit", false}} {
		b.Run(sc.name, func(b *testing.B) {
			s := newBenchServer(b, sc.wait)
			var n atomic.Int64
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
			b.SetParallelism(32)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					body := fmt.Sprintf(`{"source":"api:bench","external_id":"%d","text":%q}`, i, texts[i%int64(len(texts))])
					req, _ := http.NewRequest("POST", s.URL+"/api/v1/comments", bytes.NewReader([]byte(body)))
					req.Header.Set("Authorization", "Bearer "+testToken)
					req.Header.Set("Content-Type", "application/json")
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					resp.Body.Close()
					if resp.StatusCode != http.StatusCreated {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "comments/s")
		})
	}
}
