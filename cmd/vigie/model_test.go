package main

import (
	"strings"
	"testing"
)

func TestModelCommandLine(t *testing.T) {
	cfg, _ := testConfig(t)
	if code, out, errOut := run(t, "", "model", "list", "--config", cfg); code != 0 || !strings.Contains(out, "no candidate model") {
		t.Errorf("list on a new database: %d %q %q", code, out, errOut)
	}
	for _, args := range [][]string{{"model"}, {"model", "promote"}, {"model", "promote", "x"}, {"model", "retire", "0"}, {"model", "bless", "1"}, {"model", "list", "extra"}} {
		if code, _, errOut := run(t, "", append(args, "--config", cfg)...); code != 2 || !strings.Contains(errOut, "usage: vigie model") {
			t.Errorf("%v: exit %d %q, want a usage error", args, code, errOut)
		}
	}
	if code, _, errOut := run(t, "", "model", "promote", "7", "--config", cfg); code == 0 || !strings.Contains(errOut, "candidate 7") {
		t.Errorf("promote an unknown candidate: %d %q", code, errOut)
	}
	if code, _, errOut := run(t, "", "train", "--from-db", "--data", "x.csv", "--config", cfg); code != 2 {
		t.Errorf("train --from-db with --data: %d %q, want a usage error", code, errOut)
	}
}
