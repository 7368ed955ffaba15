module vigie/bench/rulesbench

go 1.26.0

require (
	github.com/TwiN/go-away v1.6.13
	vigie v0.0.0
)

require (
	github.com/pemistahl/lingua-go v1.4.0 // indirect
	github.com/shopspring/decimal v1.3.1 // indirect
	golang.org/x/exp v0.0.0-20221106115401-f9659909a136 // indirect
	golang.org/x/text v0.44.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

replace vigie => ../..
