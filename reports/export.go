package reports

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// WriteJSON writes the report in the vigie.transparency/v1 schema (SCHEMA.md),
// indented, with a final newline.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// CSVHeader is the long format's header: one figure per row.
var CSVHeader = []string{"section", "dimension", "key", "metric", "value"}

// WriteCSV writes the report as RFC 4180 CSV in UTF-8, one figure per row
// (section,dimension,key,metric,value); metric names are the JSON names.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180 line endings
	row := func(section, dim, key, metric, value string) {
		_ = cw.Write([]string{section, dim, key, metric, value})
	}
	_ = cw.Write(CSVHeader)
	row("meta", "", "", "schema", r.Schema)
	if r.Page != nil {
		row("meta", "", "", "page_id", r.Page.ID)
		row("meta", "", "", "page_name", r.Page.Name)
	}
	row("meta", "", "", "period_from", r.Period.From)
	row("meta", "", "", "period_to", r.Period.To)
	row("meta", "", "", "period_label", r.Period.Label)
	row("meta", "", "", "time_zone", r.Period.TimeZone)
	row("meta", "", "", "generated_at", r.GeneratedAt.Format("2006-01-02T15:04:05Z07:00"))
	if r.DataAsOf != nil {
		row("meta", "", "", "data_as_of", r.DataAsOf.Format("2006-01-02T15:04:05.999999Z07:00"))
	}
	row("meta", "", "", "last_seq", strconv.FormatInt(r.Chain.LastSeq, 10))
	row("meta", "", "", "head_hash", r.Chain.Hash)

	for _, rs := range r.Headline.RefusedByReason {
		row("headline", "category", rs.Category, "refused", itoa(rs.Refused))
		row("headline", "category", rs.Category, "share_of_received", ftoa(rs.ShareOfReceived))
	}
	structRows(row, "criticism", "total", "", r.Criticism.CohortCounts)
	row("criticism", "total", "", "refused_automatically", itoa(r.Criticism.RefusedAutomatically))
	structRows(row, "campaigns", "copies", "", r.Campaigns.Copies)
	structRows(row, "cohort", "total", "", r.Cohort.Totals)
	for _, b := range r.Cohort.Breakdowns {
		for _, x := range b.Rows {
			structRows(row, "cohort", b.Dimension, x.Key, x.CohortCounts)
		}
	}
	structRows(row, "activity", "total", "", r.Activity.Totals)
	for _, b := range r.Activity.Breakdowns {
		for _, x := range b.Rows {
			structRows(row, "activity", b.Dimension, x.Key, x.ActivityCounts)
		}
	}
	rate := func(name string, x Rate) {
		row("rates", "", "", name+"_numerator", itoa(x.Numerator))
		row("rates", "", "", name+"_denominator", itoa(x.Denominator))
		row("rates", "", "", name, optF(x.Value))
	}
	rate("automated_error_rate_observed", r.Rates.AutomatedErrorObserved)
	e := r.Rates.AutomatedErrorEstimated
	row("rates", "", "", "automated_error_rate_estimated_overturned", itoa(e.Overturned))
	row("rates", "", "", "automated_error_rate_estimated_sample_size", itoa(e.SampleSize))
	row("rates", "", "", "automated_error_rate_estimated", optF(e.Value))
	row("rates", "", "", "automated_error_rate_estimated_low", optF(e.Low))
	row("rates", "", "", "automated_error_rate_estimated_high", optF(e.High))
	rate("appeal_rate", r.Rates.AppealRate)
	rate("overturn_rate", r.Rates.OverturnRate)
	t := r.TimeToDecision
	row("time_to_decision", "", "", "decisions", itoa(t.Decisions))
	row("time_to_decision", "", "", "median_seconds", optI(t.MedianSeconds))
	row("time_to_decision", "", "", "p90_seconds", optI(t.P90Seconds))
	for _, p := range r.Series.Points {
		row("series", r.Series.Granularity, p.Start, "published", itoa(p.Published))
		row("series", r.Series.Granularity, p.Start, "refused", itoa(p.Refused))
		row("series", r.Series.Granularity, p.Start, "reinstated", itoa(p.Reinstated))
	}
	r.crisisRows(row) // crisis.go
	cw.Flush()
	return cw.Error()
}

// structRows writes every int64 field of a counts struct as one row, named
// by its JSON tag, so CSV and JSON can never disagree on a name.
func structRows(row func(section, dim, key, metric, value string), section, dim, key string, v any) {
	rv := reflect.ValueOf(v)
	rt := rv.Type()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		row(section, dim, key, name, itoa(rv.Field(i).Int()))
	}
}

func itoa(n int64) string   { return strconv.FormatInt(n, 10) }
func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func optF(f *float64) string {
	if f == nil {
		return ""
	}
	return ftoa(*f)
}

func optI(n *int64) string {
	if n == nil {
		return ""
	}
	return itoa(*n)
}
