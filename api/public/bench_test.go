package public

import (
	"bytes"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
	"vigie/reports"
	"vigie/reports/reportstest"
)

var (
	bigOnce sync.Once
	bigIx   *reports.Index
)

// BenchmarkPage renders /transparency for a month and a year over an index
// of 1,000,000 generated comments (~1.6M events): report plus template.
func BenchmarkPage(b *testing.B) {
	bigOnce.Do(func() {
		g := reportstest.NewGen(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 365*24*time.Hour)
		bigIx = reports.NewIndex(reports.Options{})
		for id := int64(1); id <= 1_000_000; id++ {
			if err := g.Comment(id, func(e moderation.Event) error { return bigIx.Apply(e) }); err != nil {
				b.Fatal(err)
			}
		}
	})
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	Register(r, Deps{Index: bigIx, Policy: func() reports.Policy { return testPolicy() }, Clock: fixedClock{testNow}})
	for _, period := range []string{"2026-06", "2026"} {
		b.Run(period, func(b *testing.B) {
			for b.Loop() {
				w := httptest.NewRecorder()
				w.Body = new(bytes.Buffer)
				r.ServeHTTP(w, httptest.NewRequest("GET", "/transparency?period="+period, nil))
				if w.Code != 200 {
					b.Fatal(w.Code)
				}
			}
		})
	}
}
