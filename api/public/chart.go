package public

import (
	"fmt"

	"vigie/moderation/i18n"
	"vigie/reports"
)

// chart is a stacked bar chart laid out on the server, so the page needs
// no JavaScript; the template only places the rectangles.
type chart struct {
	Width, Height int
	Bars          []bar
	Ticks         []tick // y-axis gridlines
	Labels        []xLabel
	Max           int64
}

type bar struct {
	X, W  float64
	Parts []part
	Title string // tooltip and accessible name
}

type part struct {
	Y, H  float64
	Class string
}

type tick struct {
	Y     float64
	Label string
}

type xLabel struct {
	X     float64
	Label string
}

const (
	chartW, chartH          = 760, 260
	padLeft, padBottom, top = 56, 28, 10
)

// buildChart stacks published, refused and reinstated per point.
func buildChart(lang string, s reports.Series) chart {
	c := chart{Width: chartW, Height: chartH}
	for _, p := range s.Points {
		c.Max = max(c.Max, p.Published+p.Refused+p.Reinstated)
	}
	scaleMax := niceCeil(c.Max)
	plotH := float64(chartH - padBottom - top)
	plotW := float64(chartW - padLeft - 8)
	n := max(1, len(s.Points))
	step := plotW / float64(n)
	y := func(v int64) float64 { return float64(top) + plotH - plotH*float64(v)/float64(scaleMax) }
	for i := 0; i <= 4; i++ {
		v := scaleMax * int64(i) / 4
		c.Ticks = append(c.Ticks, tick{Y: y(v), Label: i18n.Int(lang, v)})
	}
	every := max(1, n/8) // at most ~8 x labels
	for i, p := range s.Points {
		b := bar{X: float64(padLeft) + float64(i)*step + step*0.1, W: step * 0.8}
		base := int64(0)
		for _, seg := range []struct {
			v     int64
			class string
		}{{p.Published, "pub"}, {p.Refused, "ref"}, {p.Reinstated, "rei"}} {
			if seg.v > 0 {
				b.Parts = append(b.Parts, part{Y: y(base + seg.v), H: y(base) - y(base+seg.v), Class: seg.class})
			}
			base += seg.v
		}
		b.Title = fmt.Sprintf("%s — %s %s, %s %s, %s %s", pointText(lang, s.Granularity, p.Start, false),
			i18n.Int(lang, p.Published), i18n.T(lang, "pub_published"), i18n.Int(lang, p.Refused), i18n.T(lang, "pub_refused"),
			i18n.Int(lang, p.Reinstated), i18n.T(lang, "pub_reinstated"))
		c.Bars = append(c.Bars, b)
		if i%every == 0 {
			// Axis dates in the reader's form ("1er déc.", "Dec 1"): "12-01"
			// reads as the 12th of January to a French reader.
			c.Labels = append(c.Labels, xLabel{X: b.X + b.W/2, Label: pointText(lang, s.Granularity, p.Start, true)})
		}
	}
	return c
}

// niceCeil rounds a maximum up to 1, 2 or 5 × 10ⁿ so gridlines fall on
// round numbers.
func niceCeil(v int64) int64 {
	if v <= 4 {
		return 4
	}
	p := int64(1)
	for p*10 < v {
		p *= 10
	}
	for _, m := range []int64{1, 2, 4, 8, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}
