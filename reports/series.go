package reports

import "time"

// seriesBuilder sums activity into day, week or month buckets, picked by the
// period's length so a chart has a readable number of bars (≤ ~62 days: per
// day; ≤ ~1 year: per week; longer: per month).
type seriesBuilder struct {
	s     Series
	index map[int32]int // day → point
}

func newSeries(ix *Index, p Period, from, to int32) *seriesBuilder {
	b := &seriesBuilder{index: map[int32]int{}}
	n := to - from
	switch {
	case n <= 62:
		b.s.Granularity = "day"
	case n <= 370:
		b.s.Granularity = "week"
	default:
		b.s.Granularity = "month"
	}
	b.s.Points = []Point{}
	for d := from; d < to; d++ {
		t := ix.dayStart(d)
		start := d == from
		switch b.s.Granularity {
		case "day":
			start = true
		case "week":
			start = start || t.Weekday() == time.Monday
		case "month":
			start = start || t.Day() == 1
		}
		if start {
			b.s.Points = append(b.s.Points, Point{Start: t.Format(dateLayout)})
		}
		b.index[d] = len(b.s.Points) - 1
	}
	return b
}

func (b *seriesBuilder) add(d int32, v *actVec) {
	i, ok := b.index[d]
	if !ok {
		return
	}
	p := &b.s.Points[i]
	p.Published += v[aPublished]
	p.Refused += v[aRefused]
	p.Reinstated += v[aReinstated]
}
