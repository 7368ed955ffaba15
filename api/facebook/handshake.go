package facebook

import (
	"crypto/hmac"
	"crypto/sha256"
	"net/url"
)

// maxChallengeDigits bounds the challenge we echo: Meta sends an integer.
const maxChallengeDigits = 32

// VerifyChallenge checks Meta's subscription handshake
// (GET ?hub.mode=subscribe&hub.challenge=<int>&hub.verify_token=<token>) and
// returns the challenge to answer with, as the raw body of a 200. Otherwise
// ok is false and the caller answers 403.
//
// The challenge is echoed verbatim into a response, so only digits are
// accepted: anything else would let a caller who knows the token make our
// domain serve text of its choosing. An empty configured token accepts
// nothing.
func VerifyChallenge(query url.Values, verifyToken string) (challenge string, ok bool) {
	if verifyToken == "" || query.Get("hub.mode") != "subscribe" {
		return "", false
	}
	if !equalSecret(query.Get("hub.verify_token"), verifyToken) {
		return "", false
	}
	challenge = query.Get("hub.challenge")
	if challenge == "" || len(challenge) > maxChallengeDigits || !digits(challenge) {
		return "", false
	}
	return challenge, true
}

// equalSecret compares in constant time, also in the length: hashing both
// sides first gives hmac.Equal inputs of one size.
func equalSecret(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return hmac.Equal(g[:], w[:])
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
