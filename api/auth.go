package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"

	"github.com/gin-gonic/gin"
)

// Tokens checks Bearer tokens against stored SHA-256 digests. A token is
// high-entropy, so a fast hash is enough (bcrypt is for passwords); the
// comparison is constant-time and visits every digest.
type Tokens struct {
	digests [][]byte
}

// NewTokens takes digests in the "sha256:<hex>" form.
func NewTokens(hashed []string) *Tokens {
	t := &Tokens{}
	for _, h := range hashed {
		b, err := hex.DecodeString(strings.TrimPrefix(h, "sha256:"))
		if err == nil && len(b) == sha256.Size {
			t.digests = append(t.digests, b)
		}
	}
	return t
}

// Valid reports whether token is one of the accepted ones.
func (t *Tokens) Valid(token string) bool {
	if token == "" {
		return false
	}
	sum := sha256.Sum256([]byte(token))
	ok := 0
	for _, d := range t.digests {
		ok |= subtle.ConstantTimeCompare(sum[:], d)
	}
	return ok == 1
}

// requireToken guards the intake API.
func (s *Server) requireToken() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || !s.tokens.Valid(strings.TrimSpace(token)) {
			s.abort(c, &Error{Status: 401, Code: "unauthorized", Message: "a valid Bearer API token is required"})
			return
		}
		c.Next()
	}
}
