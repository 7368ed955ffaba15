package moderation_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"vigie/moderation"
	"vigie/rules"
)

// Digests are sealed into the chain: they must keep the bytes fmt wrote
// when they were first computed, or verify would see every event altered.
// The references below are the fmt versions, kept as they were.

func refDigest(salt []byte, values ...string) string {
	h := sha256.New()
	h.Write(salt)
	for _, v := range values {
		fmt.Fprintf(h, "%d:%s", len(v), v)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func refVerdictDigest(v *rules.Verdict) string {
	h := sha256.New()
	field := func(name, val string) { fmt.Fprintf(h, "%s=%d:%s\n", name, len(val), val) }
	field("action", v.Action.String())
	field("category", v.Category)
	field("score", strconv.FormatFloat(v.Score, 'g', -1, 64))
	field("language", v.Language)
	field("ruleset", v.RulesetVersion)
	for _, m := range v.Matches {
		field("match", m.Rule)
		field("category", m.Category)
		field("start", strconv.Itoa(m.Start))
		field("end", strconv.Itoa(m.End))
		if m.Shadow {
			field("shadow", "1")
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestDigestsKeepTheirBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	long := strings.Repeat("très long commentaire ", 200) // past the stack buffer
	for i := range 5_000 {
		salt := make([]byte, rng.IntN(3)*8)
		for j := range salt {
			salt[j] = byte(rng.IntN(256))
		}
		var values []string
		for range rng.IntN(4) {
			values = append(values, jsonStrings[rng.IntN(len(jsonStrings))])
		}
		if i%10 == 0 {
			values = append(values, long)
		}
		if got, want := moderation.Digest(salt, values...), refDigest(salt, values...); got != want {
			t.Fatalf("Digest(%x, %q) = %s, want %s", salt, values, got, want)
		}
		var v rules.Verdict
		fill(t, rng, reflect.ValueOf(&v).Elem())
		if i%10 == 0 {
			v.Matches = append(v.Matches, rules.Match{Rule: long, Category: long, Start: -1, End: 1 << 40})
		}
		if got, want := moderation.VerdictDigest(&v), refVerdictDigest(&v); got != want {
			t.Fatalf("VerdictDigest(%+v) = %s, want %s", v, got, want)
		}
	}
}

// jsonStrings are values that stress an encoder: escapes, HTML, invalid
// UTF-8, line separators, long and empty.
var jsonStrings = []string{"", "bonjour", "imbéciles", `"quoted" \ back`, "<b>&amp;</b>", "\x00\x1f\t\n\r\b\f",
	"\xff\xfe invalid", "\u2028\u2029", "日本語", "e\u0301", "123", strings.Repeat("x", 300)}

// fill sets v (a verdict, a match or one of their fields) to random
// values: every field, so that a field the digest forgets changes it.
func fill(t *testing.T, rng *rand.Rand, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString(jsonStrings[rng.IntN(len(jsonStrings))])
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.Type() == reflect.TypeFor[rules.Action]() {
			v.SetInt(int64([]rules.Action{rules.ActionPublish, rules.ActionRefuse, rules.ActionReview}[rng.IntN(3)]))
			return
		}
		v.SetInt(int64(rng.IntN(1 << 20)))
	case reflect.Float64:
		v.SetFloat([]float64{0, 1, 0.5, 1e-7, 1e21, rng.Float64()}[rng.IntN(6)])
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Slice:
		n := rng.IntN(3)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fill(t, rng, s.Index(i))
		}
		v.Set(s)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, rng, v.Field(i))
			}
		}
	default:
		t.Fatalf("fill: no random value for %s", v.Type())
	}
}
