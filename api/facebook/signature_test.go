package facebook

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
)

const specSecret = "s3cr3t"

// The spec's test vectors, bodies byte for byte as written there.
const (
	emptyPageBody   = `{"object":"page","entry":[]}`
	escapedBody     = `{"message":"\u00e4\u00f6\u00e5"}` // ASCII escapes, as Meta signs it
	rawUTF8Body     = `{"message":"äöå"}`
	emptyPageSHA256 = "0b36918e92cea1735987421f3800c4016053b7e8951c42caa969731f7b34bcd5"
	escapedSHA256   = "072d94df1061ab97f629bff84339e00c97e91459740ff349baec9abeda50371b"
	rawUTF8SHA256   = "d0ee2c658fce08cb7e70960751a890c8449c35ae0a284e26aa3c9f051c6b93cd"
	emptyPageSHA1   = "53d211779896a61a293e6258ce6c2935b8c1496c"
)

func TestSpecVectorsVerify(t *testing.T) {
	for _, c := range []struct {
		name, body, digest string
	}{
		{"ASCII body", emptyPageBody, emptyPageSHA256},
		{"non-ASCII escaped as Meta sends it", escapedBody, escapedSHA256},
		{"non-ASCII as raw UTF-8", rawUTF8Body, rawUTF8SHA256},
	} {
		header := "sha256=" + c.digest
		if got := Sign(specSecret, []byte(c.body)); got != header {
			t.Errorf("%s: Sign = %s, want %s", c.name, got, header)
		}
		if !VerifySignature(specSecret, []byte(c.body), header) {
			t.Errorf("%s: the spec's signature does not verify", c.name)
		}
		if VerifySignature("other", []byte(c.body), header) {
			t.Errorf("%s: verifies under the wrong secret", c.name)
		}
	}
}

// TestLegacySHA1VectorIsNotAccepted: the sha1 vector is the HMAC-SHA1 of the
// body, as the spec says, but a sha1 signature is never enough on its own.
func TestLegacySHA1VectorIsNotAccepted(t *testing.T) {
	h := hmac.New(sha1.New, []byte(specSecret))
	h.Write([]byte(emptyPageBody))
	if got := hex.EncodeToString(h.Sum(nil)); got != emptyPageSHA1 {
		t.Fatalf("HMAC-SHA1 = %s, want the spec's %s", got, emptyPageSHA1)
	}
	for _, header := range []string{"sha1=" + emptyPageSHA1, "sha256=" + emptyPageSHA1} {
		if VerifySignature(specSecret, []byte(emptyPageBody), header) {
			t.Errorf("%q verifies, want only sha256 accepted", header)
		}
	}
}

// TestReserialisedBodyFailsVerification is the pitfall that passes ASCII
// tests and fails production: decoding then encoding the JSON turns
// \u00e4\u00f6\u00e5 into raw UTF-8, and the signature no longer matches.
func TestReserialisedBodyFailsVerification(t *testing.T) {
	header := "sha256=" + escapedSHA256
	var v map[string]any
	if err := json.Unmarshal([]byte(escapedBody), &v); err != nil {
		t.Fatal(err)
	}
	reencoded, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if string(reencoded) != rawUTF8Body {
		t.Fatalf("re-encoded body = %s, want %s", reencoded, rawUTF8Body)
	}
	if VerifySignature(specSecret, reencoded, header) {
		t.Error("a re-serialised body verifies, want it refused")
	}
	if !VerifySignature(specSecret, []byte(escapedBody), header) {
		t.Error("the body as received does not verify")
	}
}

func TestMalformedSignatureIsRefused(t *testing.T) {
	body := []byte(emptyPageBody)
	valid := "sha256=" + emptyPageSHA256
	for _, c := range []struct {
		name, secret, header string
	}{
		{"empty header", specSecret, ""},
		{"prefix only", specSecret, "sha256="},
		{"missing prefix", specSecret, emptyPageSHA256},
		{"uppercase prefix", specSecret, "SHA256=" + emptyPageSHA256},
		{"uppercase hex", specSecret, "sha256=" + strings.ToUpper(emptyPageSHA256)},
		{"one digit short", specSecret, valid[:len(valid)-1]},
		{"one digit more", specSecret, valid + "0"},
		{"non-hex digit", specSecret, valid[:len(valid)-1] + "g"},
		{"non-ASCII digit", specSecret, valid[:len(valid)-2] + "é"},
		{"space before digest", specSecret, "sha256= " + emptyPageSHA256[1:]},
		{"two signatures", specSecret, valid + "," + valid},
		{"empty secret", "", valid},
		{"empty secret, its own signature", "", Sign("", body)},
	} {
		if VerifySignature(c.secret, body, c.header) {
			t.Errorf("%s: %q verifies, want refused", c.name, c.header)
		}
	}
}

func FuzzVerifySignatureNeverPanics(f *testing.F) {
	f.Add([]byte(emptyPageBody), "sha256="+emptyPageSHA256)
	f.Add([]byte{0xff}, "sha256=zz")
	f.Fuzz(func(t *testing.T, body []byte, header string) {
		if VerifySignature(specSecret, body, header) && header != Sign(specSecret, body) {
			t.Errorf("%q verifies but is not the body's signature", header)
		}
	})
}
