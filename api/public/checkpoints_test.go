package public

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
	"vigie/reports"
	"vigie/reports/reportstest"
	"vigie/storage"
)

// The public list: the public key, then the checkpoints newest first, each
// verifiable with that key alone; the report JSON carries the latest.
func TestCheckpointsArePublished(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	ctx := context.Background()
	db, err := storage.Open(ctx, storage.Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "vigie.db"), BatchWait: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	signer, err := moderation.ParseCheckpointKey(base64.StdEncoding.EncodeToString([]byte("vigie-test-checkpoint-seed-32byt")))
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	Register(r, Deps{Index: reports.NewIndex(reports.Options{}), Source: db, Clock: fixedClock{testNow},
		Checkpoints: db, CheckpointKey: signer.PublicKeyBase64()})

	var empty checkpointList
	decode(t, get(t, r, "/transparency/checkpoints").Body.Bytes(), &empty)
	if empty.PublicKey != signer.PublicKeyBase64() || empty.KeyID != signer.KeyID() || empty.Checkpoints == nil || len(empty.Checkpoints) != 0 {
		t.Fatalf("before any checkpoint: %+v; want the key and an empty list", empty)
	}
	if w := get(t, r, "/transparency.json?period=2026-11"); w.Code != 200 || json.Valid(w.Body.Bytes()) && hasKey(t, w.Body.Bytes(), "checkpoint") {
		t.Fatalf("report before any checkpoint: %d, carries a checkpoint: %s", w.Code, w.Body.String())
	}

	src := reportstest.History(7, 20, testNow.AddDate(0, 0, -10), 5*24*time.Hour)
	if err := reportstest.Persist(ctx, db, src.Events); err != nil {
		t.Fatal(err)
	}
	third, err := db.EventsAfter(ctx, 2, 1)
	if err != nil || len(third) != 1 {
		t.Fatalf("event 3: %v, %v", third, err)
	}
	if _, err := db.SaveCheckpoint(ctx, signer.Sign(3, third[0].Hash, testNow)); err != nil {
		t.Fatal(err)
	}
	if cp, err := moderation.MakeCheckpoint(ctx, db, signer, testNow.Add(time.Hour)); err != nil || cp == nil {
		t.Fatalf("MakeCheckpoint = %v, %v", cp, err)
	}
	w := get(t, r, "/transparency/checkpoints")
	if w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("/transparency/checkpoints: %d %v", w.Code, w.Header())
	}
	var list checkpointList
	decode(t, w.Body.Bytes(), &list)
	pub, err := moderation.ParsePublicKey(list.PublicKey)
	if err != nil || len(list.Checkpoints) != 2 || list.Checkpoints[0].Seq <= list.Checkpoints[1].Seq {
		t.Fatalf("list: %+v, %v; want two checkpoints, newest first", list, err)
	}
	for _, c := range list.Checkpoints {
		if err := c.Verify(pub); err != nil {
			t.Errorf("checkpoint %d: %v", c.Seq, err)
		}
	}
	var rep struct {
		Checkpoint *moderation.Checkpoint `json:"checkpoint"`
	}
	decode(t, get(t, r, "/transparency.json?period=2026-11").Body.Bytes(), &rep)
	if rep.Checkpoint == nil || *rep.Checkpoint != list.Checkpoints[0] {
		t.Fatalf("report checkpoint = %+v; want the latest, %+v", rep.Checkpoint, list.Checkpoints[0])
	}
}

func decode(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
}

func hasKey(t *testing.T, b []byte, key string) bool {
	t.Helper()
	var m map[string]json.RawMessage
	decode(t, b, &m)
	_, ok := m[key]
	return ok
}
