package intake_test

import (
	"errors"
	"testing"

	"vigie/api/intake"
)

func TestDecodeRefusesRepeatedAndCaseVariantKeys(t *testing.T) {
	for _, tc := range []struct {
		body, field string
	}{
		{`{"source":"api:a","external_id":"1","text":"bonjour","TEXT":"insulte"}`, "TEXT"},
		{`{"source":"api:a","external_id":"1","text":"bonjour","text":"insulte"}`, "text"},
		{`{"source":"api:a","external_id":"1","text":"x","author":{"name":"A","Name":"B"}}`, "Name"},
		{`{"Source":"api:a","source":"api:b","external_id":"1","text":"x"}`, "Source"},
	} {
		_, err := intake.Decode([]byte(tc.body))
		var ie *intake.Error
		if !errors.As(err, &ie) || ie.Field != tc.field || ie.Code != intake.CodeInvalid {
			t.Errorf("Decode(%s) = %v, want an invalid error on field %q", tc.body, err, tc.field)
		}
	}
	for _, ok := range []string{
		`{"source":"api:a","external_id":"1","text":"text text \"text\"","author":{"id":"text","name":"TEXT"}}`,
		`{"source":"api:a","external_id":"1","text":"[{\"a\":1,\"a\":2}]"}`,
	} {
		if _, err := intake.Decode([]byte(ok)); err != nil {
			t.Errorf("Decode(%s) = %v, want it accepted (values are not keys)", ok, err)
		}
	}
}

func TestDecodeRefusesAKeyInAnotherCase(t *testing.T) {
	for _, tc := range []struct{ body, field string }{
		{`{"source":"api:a","external_id":"1","TEXT":"insulte"}`, "TEXT"},
		{`{"source":"api:a","external_id":"1","text":"x","author":{"Id":"7"}}`, "Id"},
		{`{"Source":"api:a","external_id":"1","text":"x"}`, "Source"},
	} {
		_, err := intake.Decode([]byte(tc.body))
		var ie *intake.Error
		if !errors.As(err, &ie) || ie.Field != tc.field {
			t.Errorf("Decode(%s) = %v, want an error on field %q", tc.body, err, tc.field)
		}
	}
}
