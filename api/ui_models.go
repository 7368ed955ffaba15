package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
)

// ModelsAdmin is what the admin page of candidate models needs (wired by
// cmd/vigie): the candidates trained from the moderators' decisions, their
// agreement with the moderators against the running rules, and putting
// one in force or out of it. Nil leaves the page out.
type ModelsAdmin interface {
	Candidates(ctx context.Context) ([]moderation.ModelCandidate, error)
	// Agreement measures the running rules ([0]) and the rules with the
	// candidate in its rule's place ([1]) on the human decisions the
	// candidate was not trained on.
	Agreement(ctx context.Context, id int64) ([2]moderation.Agreement, error)
	Promote(ctx context.Context, id int64, actor string) error
	Retire(ctx context.Context, id int64) error
}

// candidateView is one candidate and its agreement, shown as percentages.
type candidateView struct {
	moderation.ModelCandidate
	Measured           bool
	N                  int
	CurAgree, CandAgre float64
	CurRecall, CandRec float64
	CurFalse, CandFals float64
	// The cross-validated figures as percentages.
	CVCaught, CVRefuse0 float64
}

type modelsView struct {
	Msg        string
	Version    string
	Candidates []candidateView
}

// modelsMeasured is how many of the newest candidates the page measures:
// each measure compiles a ruleset and judges the held-out decisions.
const modelsMeasured = 3

// GET /moderation/admin/models: the candidate models, newest first.
func (s *Server) uiModels(c *gin.Context) error {
	if s.models == nil {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no candidate models here"}
	}
	ctx := c.Request.Context()
	cs, err := s.models.Candidates(ctx)
	if err != nil {
		return err
	}
	v := modelsView{Version: s.svc.Rules().Version(), Msg: uiMessage(c.Query("msg"))}
	for i, mc := range cs {
		cv := candidateView{ModelCandidate: mc}
		if mc.CV != nil {
			cv.CVCaught, cv.CVRefuse0 = 100*mc.CV.Caught1, 100*mc.CV.Refuse0
		}
		if i < modelsMeasured && mc.State != moderation.CandidateRetired {
			ag, err := s.models.Agreement(ctx, mc.ID)
			if err != nil {
				return err
			}
			cv.Measured, cv.N = true, ag[0].N()
			cv.CurAgree, cv.CandAgre = share(ag[0].TP+ag[0].TN, cv.N), share(ag[1].TP+ag[1].TN, cv.N)
			cv.CurRecall, cv.CandRec = share(ag[0].TP, ag[0].TP+ag[0].FN), share(ag[1].TP, ag[1].TP+ag[1].FN)
			cv.CurFalse, cv.CandFals = share(ag[0].FP, ag[0].FP+ag[0].TN), share(ag[1].FP, ag[1].FP+ag[1].TN)
		}
		v.Candidates = append(v.Candidates, cv)
	}
	s.render(c, http.StatusOK, "models", "admin", v)
	return nil
}

func share(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return 100 * float64(n) / float64(d)
}

// POST /moderation/admin/models/{id}/promote: the candidate's model
// decides from now on. The form carries confirm=yes (a checkbox): a
// promotion changes every later decision, so a stray click must not.
func (s *Server) uiPromoteModel(c *gin.Context) error {
	return s.changeModel(c, "model_promoted", func(ctx context.Context, id int64) error {
		return s.models.Promote(ctx, id, currentUser(c).Actor())
	})
}

// POST /moderation/admin/models/{id}/retire
func (s *Server) uiRetireModel(c *gin.Context) error {
	return s.changeModel(c, "model_retired", s.models.Retire)
}

func (s *Server) changeModel(c *gin.Context, msg string, change func(context.Context, int64) error) error {
	if s.models == nil {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no candidate models here"}
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if c.PostForm("confirm") != "yes" {
		return moderation.Errorf(moderation.ErrInvalid, "confirm", "tick the box to confirm")
	}
	if err := change(c.Request.Context(), id); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/moderation/admin/models?msg="+msg)
	return nil
}
