package public

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
)

// CheckpointSource is where the signed checkpoints of the chain head are
// read from (storage.DB).
type CheckpointSource interface {
	// Checkpoints returns up to limit checkpoints, newest first.
	Checkpoints(ctx context.Context, limit int) ([]moderation.Checkpoint, error)
	LatestCheckpoint(ctx context.Context) (*moderation.Checkpoint, error)
}

// checkpointsLimit bounds the public list: at one an hour, three months.
const checkpointsLimit = 2000

// checkpointList is GET /transparency/checkpoints: the public key, so a
// reader needs nothing else to check the signatures, and the checkpoints,
// newest first.
type checkpointList struct {
	Schema      string                  `json:"schema"`
	PublicKey   string                  `json:"public_key"` // base64 Ed25519; "" when none is configured
	KeyID       string                  `json:"key_id,omitempty"`
	Checkpoints []moderation.Checkpoint `json:"checkpoints"`
}

func (h *handler) checkpoints(c *gin.Context) {
	out := checkpointList{Schema: "vigie.checkpoints/v1", PublicKey: h.CheckpointKey, Checkpoints: []moderation.Checkpoint{}}
	if pub, err := moderation.ParsePublicKey(h.CheckpointKey); err == nil {
		out.KeyID = moderation.KeyID(pub)
	}
	if h.Checkpoints != nil {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 5*time.Second)
		defer cancel()
		cps, err := h.Checkpoints.Checkpoints(ctx, checkpointsLimit)
		if err != nil {
			h.failJSON(c, err)
			return
		}
		if cps != nil {
			out.Checkpoints = cps
		}
	}
	c.Header("Content-Type", "application/json; charset=utf-8")
	c.Header("Cache-Control", "public, max-age=60")
	c.Header("Access-Control-Allow-Origin", "*")
	c.Status(http.StatusOK)
	enc := json.NewEncoder(c.Writer)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		h.Log.Warn("transparency: write checkpoints", "err", err)
	}
}

// latestCheckpoint is what the report JSON carries: nil when there is none
// or it cannot be read (the figures are served anyway; the error is logged).
func (h *handler) latestCheckpoint(c *gin.Context) *moderation.Checkpoint {
	if h.Checkpoints == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 5*time.Second)
	defer cancel()
	cp, err := h.Checkpoints.LatestCheckpoint(ctx)
	if err != nil {
		h.Log.Error("transparency: latest checkpoint", "err", err)
		return nil
	}
	return cp
}
