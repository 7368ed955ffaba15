package intake

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"vigie/moderation"
)

// Decode's fast path must never accept a body the general path refuses,
// nor read one differently: these tests hold decodeFast to decodeGeneral.

// agree fails t when decodeFast accepts body and decodeGeneral does not
// give the same comment. It reports whether the fast path took the body.
func agree(t testing.TB, body []byte) bool {
	t.Helper()
	fast, ok := decodeFast(body)
	if !ok {
		return false
	}
	general, err := decodeGeneral(body)
	if err != nil {
		t.Fatalf("decodeFast accepted %q, the general path refuses it: %v", body, err)
	}
	if !sameComment(fast, general) {
		t.Fatalf("decodeFast(%q) = %+v, the general path reads %+v", body, fast, general)
	}
	return true
}

func sameComment(a, b moderation.NewComment) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) || a.CreatedAt.Format(time.RFC3339Nano) != b.CreatedAt.Format(time.RFC3339Nano) ||
		a.CreatedAt.Location().String() != b.CreatedAt.Location().String() {
		return false
	}
	a.CreatedAt, b.CreatedAt = time.Time{}, time.Time{}
	return a == b
}

// texts holds the strings senders send, with what is hard to carry in JSON.
var texts = []string{
	"", "bonjour", "Écrivez-moi à jean.dupont@example.fr", "😀 \u2028 \u2029 <script>&amp;</script>",
	"quote \" backslash \\ slash / tab \t newline \n cr \r bell \x07 nul \x00", "\U0010FFFF", "日本語のコメント",
	"\ufeffBOM", "a\u0301", strings.Repeat("long ", 300),
}

// decodeFast knows Comment's fields by hand: a field added or retyped must
// be taught to it too.
func TestDecodeFastKnowsEveryField(t *testing.T) {
	want := map[string]string{"source": "string", "external_id": "string", "text": "*string", "author": "intake.Author",
		"thread_id": "string", "parent_id": "string", "created_at": "*time.Time", "author.id": "string", "author.name": "string"}
	got := map[string]string{}
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for f := range typ.Fields() {
			name := prefix + jsonName(f)
			got[name] = f.Type.String()
			if f.Type.Kind() == reflect.Struct && f.Type.PkgPath() == typ.PkgPath() {
				walk(name+".", f.Type)
			}
		}
	}
	walk("", reflect.TypeFor[Comment]())
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Comment's JSON fields are %v, decodeFast knows %v: update decodeFast and this list", got, want)
	}
}

func TestDecodeFastTakesTheUsualBodies(t *testing.T) {
	at := time.Date(2026, 11, 27, 10, 0, 0, 123456000, time.FixedZone("", 2*3600))
	var bodies []string
	for i, text := range texts {
		c := Comment{Source: "api:site", ExternalID: texts[(i+1)%len(texts)], Text: &text,
			Author:   Author{ID: texts[(i+2)%len(texts)], Name: texts[(i+3)%len(texts)]},
			ThreadID: "t" + text, ParentID: text}
		if i%2 == 0 {
			c.CreatedAt = &at
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, string(b))
	}
	bodies = append(bodies,
		`{"text":""}`,
		" \t\r\n{ \"text\" : \"x\" , \"author\" : { \"name\" : \"A\" , \"id\" : null } }\n ",
		`{"source":null,"external_id":null,"text":"x","author":null,"thread_id":null,"parent_id":null,"created_at":null}`,
		`{"text":"x","author":{}}`,
		`{"text":"\u00e9\ud83d\ude00\uD83D\uDE00\u0000\/\b\f"}`,
		`{"created_at":"2026-11-27T10:00:00Z","text":"x"}`,
		`{"created_at":"2026-11-27T10:00:00.5-03:30","text":"x"}`,
	)
	for _, body := range bodies {
		if !agree(t, []byte(body)) {
			t.Errorf("decodeFast refused %s, want it taken", body)
		}
	}
}

// hostile holds bodies the general path refuses or reads in its own way.
var hostile = []string{
	``, ` `, `null`, `[]`, `"x"`, `1`, `{}`, `{"text":null}`, `{"text":"x"}{}`, `{"text":"x"} x`, `{"text":"x",}`,
	`{"text":"x","text":"y"}`, `{"text":"x","TEXT":"y"}`, `{"TEXT":"y"}`, `{"Text":"y","text":"x"}`,
	`{"text":"x","author":{"id":"a","id":"b"}}`, `{"text":"x","author":{"Id":"a"}}`, `{"text":"x","author":{"id":1}}`,
	`{"text":"x","author":[]}`, `{"text":"x","author":"a"}`, `{"text":1}`, `{"text":true}`, `{"text":["x"]}`,
	`{"text":"x","extra":1}`, `{"text":"x","ſource":"a"}`, `{"text":"x","\u0073ource":"a"}`,
	`{"text":"\ud800"}`, `{"text":"\udc00"}`, `{"text":"\ud800\u0041"}`, `{"text":"\ud83d"}`, `{"text":"\u12"}`,
	"{\"text\":\"caf\xe9\"}", "{\"text\":\"a\x01\"}", `{"text":"\x"}`, `{"text":"x`, `{"text":"x"`, `{"text"`,
	`{"text":"x","created_at":"2026-11-27"}`, `{"text":"x","created_at":1}`, `{"text":"x","created_at":"2026-11-27T10:00:00\u005a"}`,
	`{"text":"x","created_at":"2026-13-27T10:00:00Z"}`, `{"text":"x","source":nul}`, `{"text":"x" "source":"a"}`,
	"\ufeff{\"text\":\"x\"}", `{"text":"x"}` + "\x00", `{"text":"x","author":{"id":"a",}}`, `{"text":"x","author":{"id":"a"}`,
}

func TestDecodeFastNeverTakesWhatTheGeneralPathRefuses(t *testing.T) {
	for _, body := range hostile {
		if agree(t, []byte(body)) {
			t.Errorf("decodeFast took %q, want it left to the general path", body)
		}
	}
	// Random edits of good bodies: cut, doubled, swapped and replaced
	// bytes, and pieces that are hard to tell apart.
	pieces := []string{`"`, `\`, `\u`, `\ud800`, `\udc00`, `\ud83d\ude00`, `{`, `}`, `[`, `]`, `,`, `:`, `null`, `1`,
		`"text":"y",`, `"TEXT"`, `"Text"`, `"id"`, `"author":{}`, " ", "\n", "\xe9", "\xf0\x9f\x98", "\u2028", "\x00", "\x1f"}
	rng := rand.New(rand.NewPCG(1, 2))
	var taken int
	for i := range 200_000 {
		text := texts[i%len(texts)]
		c := Comment{Source: "api:s", ExternalID: "1", Text: &text, Author: Author{ID: "a", Name: texts[(i/7)%len(texts)]}}
		b, _ := json.Marshal(c)
		for range 1 + rng.IntN(3) {
			p := rng.IntN(len(b) + 1)
			switch rng.IntN(4) {
			case 0:
				b = append(b[:p:p], append([]byte(pieces[rng.IntN(len(pieces))]), b[p:]...)...)
			case 1:
				if p < len(b) {
					b = append(b[:p:p], b[p+1:]...)
				}
			case 2:
				if p < len(b) {
					b[p] = byte(rng.IntN(256))
				}
			case 3:
				if q := rng.IntN(len(b) + 1); p < q {
					b = append(b[:q:q], b[p:q]...)
				}
			}
		}
		if agree(t, b) {
			taken++
		}
	}
	t.Logf("decodeFast took %d of 200000 edited bodies", taken)
	if taken == 0 {
		t.Error("decodeFast took no edited body: the test no longer tests anything")
	}
}

func FuzzDecodeFast(f *testing.F) {
	for _, body := range hostile {
		f.Add([]byte(body))
	}
	f.Add([]byte(`{"source":"api:a","external_id":"1","text":"b\u00e9\ud83d\ude00","author":{"id":"x","name":"y"},"created_at":"2026-11-27T10:00:00Z"}`))
	f.Fuzz(func(t *testing.T, body []byte) { agree(t, body) })
}

func BenchmarkDecode(b *testing.B) {
	body := []byte(`{"source":"api:bench","external_id":"123456","text":"Merci pour ces précisions, mais le calendrier annoncé pour la réforme me semble très optimiste vu les délais habituels.","author":{"id":"u42","name":"Jeanne"}}`)
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := decodeFast(body); !ok {
				b.Fatal("refused")
			}
		}
	})
	b.Run("general", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeGeneral(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
