package facebook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// SignatureHeader carries Meta's signature of a delivery. The older
// X-Hub-Signature (sha1) may come with it; only this one is checked.
const SignatureHeader = "X-Hub-Signature-256"

// MaxDeliveryBytes is the largest delivery the webhook must accept. Real
// deliveries exceed 300 kB, and a body cut short fails its signature, which
// Meta answers with endless retries: refuse what is larger (413) instead.
const MaxDeliveryBytes = 1 << 20

const signaturePrefix = "sha256="

// Sign returns the X-Hub-Signature-256 value Meta would send for body:
// "sha256=" and the HMAC-SHA256 of the bytes, keyed with the app secret, in
// lowercase hex. The replay tool and the tests sign with it.
func Sign(secret string, body []byte) string {
	return signaturePrefix + hex.EncodeToString(mac(secret, body))
}

// VerifySignature reports whether header is the signature of body under
// secret. body must be the bytes as received: Meta signs its own encoding
// (non-ASCII escaped as \u00e4), so a decoded and re-encoded body no longer
// matches. An empty secret verifies nothing, so a missing configuration
// cannot turn into "anyone may post".
//
// The header must be exactly "sha256=" and 64 lowercase hex digits, the only
// form Meta sends; anything else is refused without comparing. The digests
// themselves are compared in constant time.
func VerifySignature(secret string, body []byte, header string) bool {
	if secret == "" {
		return false
	}
	digest, ok := strings.CutPrefix(header, signaturePrefix)
	if !ok || len(digest) != 2*sha256.Size || !lowerHex(digest) {
		return false
	}
	got, err := hex.DecodeString(digest)
	if err != nil {
		return false
	}
	return hmac.Equal(got, mac(secret, body))
}

func mac(secret string, body []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write(body)
	return h.Sum(nil)
}

// lowerHex reports whether s holds only 0-9 and a-f. Checking the attacker's
// header this way leaks nothing about the secret, so it need not be constant
// time.
func lowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
