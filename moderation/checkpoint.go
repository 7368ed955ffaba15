package moderation

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Checkpoint is a signed statement of the chain head: "at SignedAt the log
// had Seq events and ended on Hash". Kept outside the database (a file, a
// URL, anyone who saved the public list), it anchors the log: whoever can
// rewrite every row can recompute every hash, but cannot sign, so a later
// log that no longer has Hash at Seq is caught (Certificate Transparency's
// approach, on a small scale).
type Checkpoint struct {
	Seq       int64     `json:"seq"`
	Hash      string    `json:"hash"`
	SignedAt  time.Time `json:"signed_at"`
	KeyID     string    `json:"key_id"`
	Signature string    `json:"signature"` // base64 Ed25519 signature of Statement()
}

// Statement is the byte string the signature covers. One field a line, in
// a fixed order, so anyone can rebuild it from the JSON.
func (c *Checkpoint) Statement() []byte {
	return fmt.Appendf(nil, "vigie checkpoint v1\nseq %d\nhash %s\nsigned_at %s\nkey_id %s\n",
		c.Seq, c.Hash, c.SignedAt.UTC().Format(time.RFC3339Nano), c.KeyID)
}

// Verify checks the signature with pub.
func (c *Checkpoint) Verify(pub ed25519.PublicKey) error {
	if id := KeyID(pub); c.KeyID != id {
		return Errorf(ErrInvalid, "key_id", "signed with key %q, not with the given public key (%s)", c.KeyID, id)
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || !ed25519.Verify(pub, c.Statement(), sig) {
		return Errorf(ErrInvalid, "signature", "the signature does not verify: the checkpoint was altered or not signed by this key")
	}
	return nil
}

// KeyID names a public key: the first 8 bytes of its SHA-256, in hex.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// CheckpointSigner signs checkpoints with an Ed25519 private key. Its
// String never shows the key, so logging one by mistake leaks nothing.
type CheckpointSigner struct {
	key ed25519.PrivateKey
	id  string
}

// ParseCheckpointKey reads a base64 Ed25519 seed (32 bytes), as
// NewCheckpointKey prints it. Its error never quotes the input.
func ParseCheckpointKey(b64 string) (*CheckpointSigner, error) {
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, Errorf(ErrInvalid, "checkpoint_key", "the checkpoint key is not a base64 Ed25519 seed of %d bytes", ed25519.SeedSize)
	}
	key := ed25519.NewKeyFromSeed(seed)
	return &CheckpointSigner{key: key, id: KeyID(key.Public().(ed25519.PublicKey))}, nil
}

// NewCheckpointKey makes a new key: its base64 seed (the secret) and its
// base64 public key.
func NewCheckpointKey() (seed, pub string, err error) {
	p, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", err
	}
	return base64.StdEncoding.EncodeToString(k.Seed()), base64.StdEncoding.EncodeToString(p), nil
}

// ParsePublicKey reads a base64 Ed25519 public key.
func ParsePublicKey(b64 string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, Errorf(ErrInvalid, "public_key", "not a base64 Ed25519 public key of %d bytes", ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

// PublicKey is the key that verifies this signer's checkpoints.
func (s *CheckpointSigner) PublicKey() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

// PublicKeyBase64 is PublicKey as `vigie verify --public-key` takes it.
func (s *CheckpointSigner) PublicKeyBase64() string {
	return base64.StdEncoding.EncodeToString(s.PublicKey())
}

// KeyID names the signer's key.
func (s *CheckpointSigner) KeyID() string { return s.id }

func (s *CheckpointSigner) String() string { return "checkpoint key " + s.id }

// Sign makes the checkpoint of a head at a time.
func (s *CheckpointSigner) Sign(seq int64, hash string, at time.Time) Checkpoint {
	c := Checkpoint{Seq: seq, Hash: hash, SignedAt: TruncateTime(at), KeyID: s.id}
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(s.key, c.Statement()))
	return c
}

// CheckpointStore keeps the checkpoints beside the log.
type CheckpointStore interface {
	Head(ctx context.Context) (seq int64, hash string, err error)
	// LatestCheckpoint is the checkpoint of the highest sequence number,
	// nil when there is none.
	LatestCheckpoint(ctx context.Context) (*Checkpoint, error)
	// SaveCheckpoint stores c; false when one already exists at c.Seq
	// (another instance signed the same head first).
	SaveCheckpoint(ctx context.Context, c Checkpoint) (bool, error)
}

// MakeCheckpoint signs the current head if it moved since the latest
// checkpoint, and stores it. It returns nil when there was nothing new to
// sign (or another instance signed that head first).
func MakeCheckpoint(ctx context.Context, st CheckpointStore, s *CheckpointSigner, now time.Time) (*Checkpoint, error) {
	seq, hash, err := st.Head(ctx)
	if err != nil {
		return nil, err
	}
	last, err := st.LatestCheckpoint(ctx)
	if err != nil {
		return nil, err
	}
	if seq == 0 || (last != nil && last.Seq >= seq) {
		return nil, nil
	}
	c := s.Sign(seq, hash, now)
	saved, err := st.SaveCheckpoint(ctx, c)
	if err != nil || !saved {
		return nil, err
	}
	return &c, nil
}

// CheckCheckpoints checks each checkpoint's signature with pub, and that
// the log still holds the checkpointed head: the event at its sequence
// number, with its hash. Since each hash covers every event before it,
// that proves the log only grew since the checkpoint. A truncation or a
// rewrite — even one that recomputed every later hash, leaving the
// database consistent with itself — is named.
func CheckCheckpoints(ctx context.Context, r VerifyReader, pub ed25519.PublicKey, cps []Checkpoint) ([]Problem, error) {
	var out []Problem
	for _, c := range cps {
		name := fmt.Sprintf("checkpoint at event %d signed at %s", c.Seq, c.SignedAt.UTC().Format(time.RFC3339))
		if err := c.Verify(pub); err != nil {
			out = append(out, Problem{What: name + ": " + err.Error()})
			continue
		}
		evs, _, err := r.EventPage(ctx, c.Seq-1, 1)
		if err != nil {
			return nil, err
		}
		switch {
		case len(evs) == 0 || evs[0].Seq != c.Seq:
			seq, hash, err := r.Head(ctx)
			if err != nil {
				return nil, err
			}
			out = append(out, Problem{What: fmt.Sprintf("%s: the log now has no event %d; it ends at event %d (%s): events were deleted and the head moved back",
				name, c.Seq, seq, short(hash))})
		case evs[0].Hash != c.Hash:
			out = append(out, Problem{What: fmt.Sprintf("%s: the log now has hash %s at event %d where the checkpoint signed %s: history up to that event was rewritten",
				name, short(evs[0].Hash), c.Seq, short(c.Hash))})
		}
	}
	return out, nil
}
