module vigie/bench/facebook

go 1.26
