package rules

import (
	"encoding/csv"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestDebugDev(t *testing.T) {
	rs := loadDefault(t)
	for _, name := range []string{"mhc_fr.csv", "hatecheck_en.csv"} {
		f := openDev(t, name)
		recs, _ := csv.NewReader(f).ReadAll()
		f.Close()
		n := 0
		for _, r := range recs[1:] {
			v := rs.Classify(Input{Text: r[0]}, nil)
			if strings.HasSuffix(r[3], "_nh") && v.Action == ActionRefuse {
				var ids []string
				for _, m := range v.Matches {
					ids = append(ids, m.Rule+"="+m.Text)
				}
				fmt.Printf("NH-REFUSED %s %q %s %v\n", r[3], r[0], v.Language, ids)
			}
			if os.Getenv("MISS") != "" && strings.HasSuffix(r[3], "_h") && v.Action == ActionPublish && n < 60 && r[2] == os.Getenv("MISS") {
				n++
				fmt.Printf("MISS %s %q %s\n", r[3], r[0], v.Language)
			}
		}
	}
}
