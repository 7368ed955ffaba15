package main

import (
	"fmt"
	"net"
	"strings"

	"vigie/api"
)

// LimitsConfig is server.limits: token buckets (rate per second, burst)
// past which a request gets 429 with Retry-After. A rate of 0 turns one off.
type LimitsConfig struct {
	Intake       RateConfig `yaml:"intake"`
	Login        RateConfig `yaml:"login"`
	Public       RateConfig `yaml:"public"`
	Appeal       RateConfig `yaml:"appeal"`
	Webhook      RateConfig `yaml:"webhook"`
	AuthFailures RateConfig `yaml:"auth_failures"`
	// MaxKeys bounds the buckets (addresses, tokens) kept per limit.
	MaxKeys int `yaml:"max_keys"`
}

// RateConfig is one token bucket.
type RateConfig struct {
	Rate  float64 `yaml:"rate"`
	Burst int     `yaml:"burst"`
}

// defaultLimits leave a benchmark's 10,000 intakes a second from one token
// alone, and stop a client that hammers the report, the login or the token
// check from one address within a second or two. An appeal is rare (a
// person asks once about one refused comment; a comment has at most one
// open): five at once, then one every 10 s. The webhook's is more than
// ten times bench/facebook's 40 deliveries a second (2,000 comments) and
// holds its burst of 200 deliveries at once, all from one address: it
// stops a flood of posts, not Meta (which delivers a refused one again).
func defaultLimits() LimitsConfig {
	return LimitsConfig{
		Intake:       RateConfig{Rate: 20000, Burst: 40000},
		Login:        RateConfig{Rate: 1, Burst: 20},
		Public:       RateConfig{Rate: 10, Burst: 40},
		Appeal:       RateConfig{Rate: 0.1, Burst: 5},
		Webhook:      RateConfig{Rate: 500, Burst: 1000},
		AuthFailures: RateConfig{Rate: 1, Burst: 20},
		MaxKeys:      api.DefaultMaxKeys,
	}
}

// DefaultMaxConnections is server.max_connections when the file leaves it
// out: well under the usual 1,024 open files a process starts with, with
// room for the database and log files.
const DefaultMaxConnections = 1024

// validateLimits checks server.limits, server.max_connections and
// server.trusted_proxies.
func (s ServerConfig) validateLimits() error {
	for _, r := range []struct {
		key string
		r   RateConfig
	}{{"intake", s.Limits.Intake}, {"login", s.Limits.Login}, {"public", s.Limits.Public},
		{"appeal", s.Limits.Appeal}, {"webhook", s.Limits.Webhook}, {"auth_failures", s.Limits.AuthFailures}} {
		if r.r.Rate < 0 {
			return fmt.Errorf("server.limits.%s.rate: must be 0 (off) or a positive number of requests per second, got %v", r.key, r.r.Rate)
		}
		if r.r.Rate > 0 && r.r.Burst < 1 {
			return fmt.Errorf("server.limits.%s.burst: must be at least 1 when the rate is set, got %d", r.key, r.r.Burst)
		}
	}
	if s.Limits.MaxKeys < 1 || s.Limits.MaxKeys > 10_000_000 {
		return fmt.Errorf("server.limits.max_keys: must be between 1 and 10000000, got %d", s.Limits.MaxKeys)
	}
	if s.MaxConnections < 1 {
		return fmt.Errorf("server.max_connections: must be at least 1, got %d", s.MaxConnections)
	}
	for i, p := range s.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return fmt.Errorf("server.trusted_proxies[%d]: %q is not an IP address or a CIDR such as 10.0.0.0/8", i, p)
		}
		if strings.HasSuffix(p, "/0") {
			return fmt.Errorf("server.trusted_proxies[%d]: %q trusts every address, so any client could pick the address its limits count against", i, p)
		}
	}
	return nil
}

// apiLimits is server.limits as the HTTP server takes it.
func (s ServerConfig) apiLimits() api.Limits {
	rate := func(r RateConfig) api.Rate { return api.Rate{PerSecond: r.Rate, Burst: r.Burst} }
	return api.Limits{Intake: rate(s.Limits.Intake), Login: rate(s.Limits.Login), Public: rate(s.Limits.Public),
		Appeal: rate(s.Limits.Appeal), Webhook: rate(s.Limits.Webhook),
		AuthFailures: rate(s.Limits.AuthFailures), MaxKeys: s.Limits.MaxKeys}
}
