package api

import (
	"container/list"
	"math"
	"net"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"
)

// Rate is a token bucket: Burst requests at once, then PerSecond on
// average. A zero PerSecond turns the limit off.
type Rate struct {
	PerSecond float64
	Burst     int
}

func (r Rate) on() bool { return r.PerSecond > 0 }

// Limits are the request rates the server lets through before it answers
// 429 with Retry-After. The zero value limits nothing; cmd/vigie passes the
// configured ones (server.limits in config.yaml).
type Limits struct {
	// Intake is per API token on the intake routes: one runaway client
	// cannot take the writer from the others.
	Intake Rate
	// Login is per client address on POST /moderation/login; the failure
	// throttle of moderation.Accounts stays behind it, for guessing.
	Login Rate
	// Public is per client address on the public report (/transparency*,
	// /api/v1/report): each request may cost a report build.
	Public Rate
	// Appeal is per client address on POST /api/v1/comments/{id}/appeal:
	// an appeal is rare, and each one is a write a moderator must read.
	Appeal Rate
	// Webhook is per client address on POST /webhooks/facebook. It is
	// checked before the body is read, so a delivery it refuses was never
	// accepted (Meta delivers it again); it is meant to be far above
	// Meta's own rate and stop only a flood of unsigned posts.
	Webhook Rate
	// AuthFailures is per client address, spent by each 401 answer: once
	// it is empty, every request from the address gets 429 (before any
	// token or session is looked up) until it refills.
	AuthFailures Rate
	// MaxKeys bounds the buckets kept per class (least recently used
	// dropped first); 0 means DefaultMaxKeys.
	MaxKeys int
	// Now is the limiter's clock; nil is time.Now (tests move a fake one).
	Now func() time.Time
}

// DefaultMaxKeys is the buckets kept per class when Limits.MaxKeys is 0:
// about 200 bytes each, so a flood of distinct addresses holds at most a
// few megabytes.
const DefaultMaxKeys = 10000

// The classes of limited requests, as the metric labels them.
const (
	classIntake       = "intake"
	classLogin        = "login"
	classPublic       = "public"
	classAuthFailures = "auth_failures"
	classAppeal       = "appeal"
	classWebhook      = "webhook"
)

// limiters holds one bucket set per class.
type limiters struct {
	intake, login, public, failures *buckets
	appeal, webhook                 *buckets
	limited                         *prometheus.CounterVec
}

func newLimiters(l Limits, reg prometheus.Registerer) *limiters {
	now := l.Now
	if now == nil {
		now = time.Now
	}
	maxKeys := l.MaxKeys
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	ls := &limiters{
		intake:   newBuckets(l.Intake, maxKeys, now),
		login:    newBuckets(l.Login, maxKeys, now),
		public:   newBuckets(l.Public, maxKeys, now),
		failures: newBuckets(l.AuthFailures, maxKeys, now),
		appeal:   newBuckets(l.Appeal, maxKeys, now),
		webhook:  newBuckets(l.Webhook, maxKeys, now),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigie_http_rate_limited_total",
			Help: "Requests answered 429 by a rate limit, by class (intake, login, public, appeal, webhook, auth_failures).",
		}, []string{"class"}),
	}
	reg.MustRegister(ls.limited)
	for class, set := range map[string]*buckets{classIntake: ls.intake, classLogin: ls.login, classPublic: ls.public,
		classAppeal: ls.appeal, classWebhook: ls.webhook, classAuthFailures: ls.failures} {
		ls.limited.WithLabelValues(class) // every class shows, at 0, from the start
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        "vigie_http_rate_limit_buckets",
			Help:        "Token buckets held by a rate limit (one per address or token), by class; at most server.limits.max_keys.",
			ConstLabels: prometheus.Labels{"class": class},
		}, func() float64 { return float64(set.len()) }))
	}
	return ls
}

// buckets is one token bucket per key (an address, a token digest), in an
// LRU with a cap: a flood of distinct keys can never hold more than max
// buckets. A bucket that has refilled is dropped as soon as it reaches the
// back of the list, since a full bucket is what a new key gets anyway.
type buckets struct {
	rate Rate
	max  int
	now  func() time.Time

	mu    sync.Mutex
	lru   *list.List // of *bucket, most recently used first
	byKey map[string]*list.Element
}

type bucket struct {
	key string
	lim *rate.Limiter
}

func newBuckets(r Rate, maxKeys int, now func() time.Time) *buckets {
	if r.Burst < 1 {
		r.Burst = max(1, int(math.Ceil(r.PerSecond)))
	}
	return &buckets{rate: r, max: maxKeys, now: now, lru: list.New(), byKey: map[string]*list.Element{}}
}

// allow spends one request of key's bucket. When it is empty it answers
// false and how long until one request is allowed again.
func (b *buckets) allow(key string) (bool, time.Duration) {
	if !b.rate.on() {
		return true, 0
	}
	now := b.now()
	lim := b.get(key, now, true)
	if lim.AllowN(now, 1) {
		return true, 0
	}
	return false, b.wait(lim, now)
}

// blocked tells, without spending anything or making a bucket, whether
// key's bucket is empty, and for how long still.
func (b *buckets) blocked(key string) (bool, time.Duration) {
	if !b.rate.on() {
		return false, 0
	}
	now := b.now()
	lim := b.get(key, now, false)
	if lim == nil || lim.TokensAt(now) >= 1 {
		return false, 0
	}
	return true, b.wait(lim, now)
}

// spend takes one request from key's bucket if it has one left (a failure
// already answered is never refused after the fact).
func (b *buckets) spend(key string) {
	if !b.rate.on() {
		return
	}
	now := b.now()
	b.get(key, now, true).AllowN(now, 1)
}

// wait is how long lim needs to hold one whole request again.
func (b *buckets) wait(lim *rate.Limiter, now time.Time) time.Duration {
	missing := 1 - lim.TokensAt(now)
	return time.Duration(math.Ceil(missing / b.rate.PerSecond * float64(time.Second)))
}

// get returns key's limiter, making it when create is set.
func (b *buckets) get(key string, now time.Time, create bool) *rate.Limiter {
	b.mu.Lock()
	defer b.mu.Unlock()
	if el, ok := b.byKey[key]; ok {
		b.lru.MoveToFront(el)
		return el.Value.(*bucket).lim
	}
	if !create {
		return nil
	}
	b.dropRefilled(now)
	lim := rate.NewLimiter(rate.Limit(b.rate.PerSecond), b.rate.Burst)
	b.byKey[key] = b.lru.PushFront(&bucket{key: key, lim: lim})
	for b.lru.Len() > b.max {
		b.remove(b.lru.Back())
	}
	return lim
}

// dropRefilled removes up to two least recently used buckets that are full
// again: amortised over new keys, the idle ones go without a janitor.
func (b *buckets) dropRefilled(now time.Time) {
	for range 2 {
		el := b.lru.Back()
		if el == nil || el.Value.(*bucket).lim.TokensAt(now) < float64(b.rate.Burst) {
			return
		}
		b.remove(el)
	}
}

func (b *buckets) remove(el *list.Element) {
	b.lru.Remove(el)
	delete(b.byKey, el.Value.(*bucket).key)
}

// len is how many buckets are kept.
func (b *buckets) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lru.Len()
}

// addressKey is the bucket key of a client address: the address itself for
// IPv4, its /64 network for IPv6 (one subscriber commonly has a whole /64,
// so per-address buckets there would be free for the taking).
func addressKey(ip string) string {
	a := net.ParseIP(ip)
	if a == nil {
		return ip
	}
	if v4 := a.To4(); v4 != nil {
		return v4.String()
	}
	return a.Mask(net.CIDRMask(64, 128)).String() + "/64"
}
