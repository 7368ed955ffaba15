package rules

import (
	"encoding/csv"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestZZDump(t *testing.T) {
	cats := os.Getenv("DUMPCATS")
	if cats == "" {
		t.Skip()
	}
	rs := loadDefault(t)
	for _, name := range []string{"mhc_fr.csv", "hatecheck_en.csv"} {
		f := openDev(t, name)
		recs, _ := csv.NewReader(f).ReadAll()
		f.Close()
		for _, r := range recs[1:] {
			if !strings.Contains(","+cats+",", ","+r[3]+",") {
				continue
			}
			v := rs.Classify(Input{Text: r[0]}, nil)
			want := os.Getenv("DUMPACT")
			if want == "" && v.Action == ActionPublish || want != "" && v.Action.String() == want {
				var ms []string
				for _, m := range v.Matches {
					ms = append(ms, m.Rule+":"+m.Text)
				}
				fmt.Printf("%s\t%s\t%s\t%v\n", r[3], v.Action, r[0], ms)
			}
		}
	}
}
