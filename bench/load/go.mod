module vigie/bench/load

go 1.26
