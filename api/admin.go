package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
	"vigie/reports"
	"vigie/rules"
)

// Reporting is what the admin pages need of the report: the figures for a
// period (the index the public page uses) and the statements of reasons.
type Reporting struct {
	Location *time.Location
	Report   func(p reports.Period) (*reports.Report, error)
	// ExportSOR writes the statements of reasons of a period.
	ExportSOR func(ctx context.Context, w io.Writer, format, lang string, p reports.Period) error
}

// RulesAdmin lets an admin try a candidate rules file on the stored
// comments before putting it in force; nil fields leave that out.
type RulesAdmin struct {
	// Candidate compiles the configured packs plus the file at path.
	Candidate func(path string) (*rules.Ruleset, error)
	// Backtest replays the last 30 days through cand.
	Backtest func(ctx context.Context, cand *rules.Ruleset) (*moderation.Backtest, error)
}

// ruleHits is one rule's decisions over the last 7 and 30 days.
type ruleHits struct {
	Rule               string
	Week, Month        int64
	RefusedW, RefusedM int64
}

type rulesView struct {
	Version    string
	Categories []rules.Category
	Hits       []ruleHits
	Check      *checkResult
	Backtest   *moderation.Backtest
}

type checkResult struct {
	OK     bool
	Errors []string
}

// GET /moderation/admin/rules: the running ruleset, what each rule did
// lately, and a form to validate a candidate rules file.
func (s *Server) uiRules(c *gin.Context) error {
	v, err := s.rulesView()
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "rules", "admin", v)
	return nil
}

func (s *Server) rulesView() (rulesView, error) {
	rs := s.svc.Rules()
	v := rulesView{Version: rs.Version(), Categories: rs.Categories()}
	if s.reporting.Report == nil {
		return v, nil
	}
	now := s.svc.Now().In(s.reporting.Location)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location()).AddDate(0, 0, 1)
	hits := map[string]*ruleHits{}
	for _, span := range []int{7, 30} {
		p := reports.Period{From: day.AddDate(0, 0, -span), To: day, Kind: "custom", Label: fmt.Sprintf("%dd", span)}
		r, err := s.reporting.Report(p)
		if err != nil {
			return v, err
		}
		for _, b := range r.Activity.Breakdowns {
			if b.Dimension != "rule" {
				continue
			}
			for _, row := range b.Rows {
				if row.Key == "" {
					continue
				}
				h := hits[row.Key]
				if h == nil {
					h = &ruleHits{Rule: row.Key}
					hits[row.Key] = h
				}
				n := row.Published + row.Refused + row.SentToReview
				if span == 7 {
					h.Week, h.RefusedW = n, row.Refused
				} else {
					h.Month, h.RefusedM = n, row.Refused
				}
			}
		}
	}
	for _, h := range hits {
		v.Hits = append(v.Hits, *h)
	}
	sort.Slice(v.Hits, func(i, j int) bool {
		if v.Hits[i].Month != v.Hits[j].Month {
			return v.Hits[i].Month > v.Hits[j].Month
		}
		return v.Hits[i].Rule < v.Hits[j].Rule
	})
	return v, nil
}

// POST /moderation/admin/rules/check: validate a candidate rules file
// pasted in the form. Nothing is applied: the running rules change only
// by editing the configured files and reloading (SIGHUP), so what is in
// force is always what is on disk and under review.
func (s *Server) uiCheckRules(c *gin.Context) error {
	text := c.PostForm("rules")
	if len(text) > 1<<20 {
		return moderation.Errorf(moderation.ErrInvalid, "rules", "a rules file is at most 1 MiB")
	}
	dir, err := os.MkdirTemp("", "vigie-rules-check-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "candidate.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return err
	}
	v, err := s.rulesView()
	if err != nil {
		return err
	}
	res := &checkResult{OK: true}
	if err := rules.Check(path); err != nil {
		res.OK = false
		for _, line := range strings.Split(strings.ReplaceAll(err.Error(), path, "candidate.yaml"), "\n") {
			if strings.TrimSpace(line) != "" {
				res.Errors = append(res.Errors, line)
			}
		}
	}
	v.Check = res
	if res.OK && s.rulesAdmin.Candidate != nil && s.rulesAdmin.Backtest != nil {
		cand, err := s.rulesAdmin.Candidate(path)
		if err != nil {
			res.OK, res.Errors = false, []string{strings.ReplaceAll(err.Error(), path, "candidate.yaml")}
		} else if v.Backtest, err = s.rulesAdmin.Backtest(c.Request.Context(), cand); err != nil {
			return err
		}
	}
	s.render(c, http.StatusOK, "rules", "admin", v)
	return nil
}

// GET /api/v1/export/sor?period=…&format=ndjson|csv: the statements of
// reasons, for the admin who files them.
func (s *Server) getSOR(c *gin.Context) error {
	if s.reporting.ExportSOR == nil {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "statements of reasons are not available here"}
	}
	p, err := periodOf(c, s.reporting.Location, s.svc.Now())
	if err != nil {
		return err
	}
	format := c.DefaultQuery("format", "ndjson")
	lang := c.DefaultQuery("lang", "fr")
	if format != "ndjson" && format != "csv" {
		return moderation.Errorf(moderation.ErrInvalid, "format", "format must be ndjson or csv")
	}
	ctype := "application/x-ndjson"
	if format == "csv" {
		ctype = "text/csv; charset=utf-8"
	}
	c.Header("Content-Type", ctype)
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="vigie-sor-%s.%s"`, strings.ReplaceAll(p.Label, "/", "_"), format))
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	return s.reporting.ExportSOR(c.Request.Context(), c.Writer, format, lang, p)
}

// periodOf reads ?period= or ?from=&to= (the current month by default).
func periodOf(c *gin.Context, loc *time.Location, now time.Time) (reports.Period, error) {
	return reports.ReadPeriod(c.Query("period"), c.Query("from"), c.Query("to"), loc, now)
}
