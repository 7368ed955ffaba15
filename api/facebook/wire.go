package facebook

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// wireID is an id as Meta writes it: a JSON string, though an integer is
// taken too (digits kept as written, never through a float), so an id that
// comes unquoted does not sink a delivery of a thousand changes.
type wireID string

func (id *wireID) UnmarshalJSON(b []byte) error {
	switch {
	case bytes.Equal(b, []byte("null")):
		*id = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = wireID(s)
		return nil
	}
	if _, err := strconv.ParseUint(string(b), 10, 64); err != nil {
		return errors.New("id is neither a string nor an integer")
	}
	*id = wireID(b)
	return nil
}

// wireTime is a created_time: unix seconds in webhook deliveries, ISO 8601
// in Graph API answers. Both are read wherever they appear, since each has
// been seen where the other was documented.
type wireTime time.Time

func (t *wireTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*t = wireTime{}
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
			*t = wireTime(time.Unix(sec, 0).UTC())
			return nil
		}
		v, err := parseGraphTime(s)
		*t = wireTime(v)
		return err
	}
	sec, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return errors.New("created_time is neither unix seconds nor an ISO 8601 string")
	}
	*t = wireTime(time.Unix(sec, 0).UTC())
	return nil
}

// graphTimeLayouts: the Graph API writes "2024-05-31T16:03:18+0000" (no
// colon in the offset, which RFC 3339 requires); RFC 3339 is taken too.
var graphTimeLayouts = []string{"2006-01-02T15:04:05-0700", time.RFC3339Nano}

func parseGraphTime(s string) (time.Time, error) {
	for _, layout := range graphTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("created_time " + strconv.Quote(s) + " is not ISO 8601")
}

// wireFrom is the author of a comment, or on hide/unhide the Page that acted.
type wireFrom struct {
	ID   wireID `json:"id"`
	Name string `json:"name"`
}
