package public

import (
	"container/list"
	"crypto/sha256"
	"encoding/json"
	"strconv"
	"sync"

	"golang.org/x/sync/singleflight"

	"vigie/reports"
)

// reportCacheSize is how many built reports are kept: a few periods (this
// month, the quarter, the year, the links of the page) in each version of
// the policy, with room for the custom ranges people try.
const reportCacheSize = 64

// reportCache keeps built reports by period, data version and policy, so a
// crowd asking for the same figures (a link shared on the day of a
// controversy, a 100-year range asked twenty times at once) costs one build.
//
// The data version is the chain head the index had applied: a new event
// moves it, so a decision shows on the next request, never after an
// expiry. A report is stored under the head it was built from (which may be
// newer than the one the request saw), so the cache never serves figures
// older than the index. Reports are shared between requests: nothing may
// modify one after it is built.
type reportCache struct {
	size   int
	mu     sync.Mutex
	lru    *list.List // of *cacheEntry, most recently used first
	byKey  map[cacheKey]*list.Element
	flight singleflight.Group
	// onBuild is called at each build (tests count them); nil is fine.
	onBuild func()
}

// cacheKey names one report: the period's bounds and label, the chain head
// it covers, and a digest of the policy (a rules reload changes the
// categories the report lists).
type cacheKey struct {
	from, to    int64
	kind, label string
	seq         int64
	head        string
	policy      [sha256.Size]byte
	page        string // a page's report (pages.go); "" for all pages
}

type cacheEntry struct {
	key cacheKey
	rep *reports.Report
}

func newReportCache(size int, onBuild func()) *reportCache {
	return &reportCache{size: size, onBuild: onBuild, lru: list.New(), byKey: map[cacheKey]*list.Element{}}
}

// get returns the report for p as of the index's current head, building it
// at most once however many requests ask at the same moment.
func (rc *reportCache) get(ix *reports.Index, p reports.Period, o reports.ReportOptions) (*reports.Report, error) {
	head := ix.Head()
	key := cacheKey{from: p.From.Unix(), to: p.To.Unix(), kind: p.Kind, label: p.Label,
		seq: head.LastSeq, head: head.Hash, policy: policyDigest(o.Policy), page: o.Page}
	if r, ok := rc.lookup(key); ok {
		return r, nil
	}
	v, err, _ := rc.flight.Do(key.flightKey(), func() (any, error) {
		if r, ok := rc.lookup(key); ok { // built while this call waited its turn
			return r, nil
		}
		if rc.onBuild != nil {
			rc.onBuild()
		}
		r, err := ix.Report(p, o)
		if err != nil {
			return nil, err
		}
		built := key
		built.seq, built.head = r.Chain.LastSeq, r.Chain.Hash
		rc.store(built, r)
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*reports.Report), nil
}

func (rc *reportCache) lookup(k cacheKey) (*reports.Report, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	el, ok := rc.byKey[k]
	if !ok {
		return nil, false
	}
	rc.lru.MoveToFront(el)
	return el.Value.(*cacheEntry).rep, true
}

func (rc *reportCache) store(k cacheKey, r *reports.Report) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if el, ok := rc.byKey[k]; ok {
		el.Value.(*cacheEntry).rep = r
		rc.lru.MoveToFront(el)
		return
	}
	rc.byKey[k] = rc.lru.PushFront(&cacheEntry{key: k, rep: r})
	for rc.lru.Len() > rc.size {
		old := rc.lru.Back()
		rc.lru.Remove(old)
		delete(rc.byKey, old.Value.(*cacheEntry).key)
	}
}

// len is how many reports are kept.
func (rc *reportCache) len() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.lru.Len()
}

// flightKey is the key as a string, for singleflight.
func (k cacheKey) flightKey() string {
	return strconv.FormatInt(k.from, 10) + "|" + strconv.FormatInt(k.to, 10) + "|" + k.kind + "|" + k.label + "|" +
		strconv.FormatInt(k.seq, 10) + "|" + k.head + "|" + string(k.policy[:]) + "|" + k.page
}

// policyDigest fingerprints the policy the report lists. JSON writes map
// keys in order, so equal policies have equal digests.
func policyDigest(p reports.Policy) [sha256.Size]byte {
	b, err := json.Marshal(p)
	if err != nil { // a Policy is plain strings and maps: cannot happen
		return [sha256.Size]byte{}
	}
	return sha256.Sum256(b)
}
