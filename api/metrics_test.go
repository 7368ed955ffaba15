package api_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestMadeUpMethodsDoNotGrowMetrics: 1,000 requests, each with a method of
// its own and no token, leave /metrics the size it was.
func TestMadeUpMethodsDoNotGrowMetrics(t *testing.T) {
	s := newTestServer(t)
	size := func() (int, string) {
		resp, err := http.Get(s.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		// Runtime figures (memory, GC) move on their own; the series are
		// what a made-up method would add.
		var series []string
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "vigie_http_") {
				name, _, _ := strings.Cut(l, " ")
				series = append(series, name)
			}
		}
		return len(series), strings.Join(series, "\n")
	}
	send := func(method string) {
		req, _ := http.NewRequest(method, s.URL+"/api/v1/comments", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	send("BREW") // the OTHER series exists from here on
	size()       // and so does the one of GET /metrics
	before, _ := size()
	for i := range 1000 {
		send(fmt.Sprintf("M%04d", i))
	}
	after, series := size()
	if after != before {
		t.Errorf("%d request series before, %d after 1,000 made-up methods", before, after)
	}
	if !strings.Contains(series, `method="OTHER"`) || strings.Contains(series, `method="M0001"`) {
		t.Errorf("made-up methods are not folded into OTHER:\n%s", series)
	}
}
