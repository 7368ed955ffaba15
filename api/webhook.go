package api

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"vigie/api/facebook"
	"vigie/moderation"
)

// The Facebook webhook: Meta's subscription handshake (GET) and its
// deliveries (POST). A delivery is checked against its signature over the
// bytes as received, committed to the inbox as those same bytes, and only
// then answered 200; a worker applies it afterwards. Meta retries what is
// not answered quickly, so nothing here parses more than the page ids.

// FacebookDeps wires the Facebook webhook; nil in Deps leaves it unmounted.
type FacebookDeps struct {
	AppSecret   string // keys the deliveries' X-Hub-Signature-256
	VerifyToken string // answers the subscription handshake
	// Pages are the ids of the pages Vigie moderates: a delivery about
	// none of them is answered 200 and not stored.
	Pages map[string]bool
	Inbox moderation.InboxStore
	// Outbox feeds the outbox gauges of /metrics; nil leaves them out.
	Outbox OutboxCounts
	// Wake is signalled, without blocking, after a delivery is committed,
	// so an inbox worker picks it up at once instead of at its next poll.
	Wake chan<- struct{}
}

// Delivery results, the values of vigie_facebook_deliveries_total's label.
const (
	deliveryStored       = "stored"
	deliveryNotOurPage   = "not_our_page"  // signed, but about no configured page: 200, not stored
	deliveryBadSignature = "bad_signature" // missing or wrong X-Hub-Signature-256: 403
	deliveryTooLarge     = "too_large"     // over facebook.MaxDeliveryBytes: 413
	deliveryUnreadable   = "unreadable"    // the body could not be read to its end
	deliveryStoreFailed  = "store_failed"  // the inbox did not commit it: 500, Meta retries
)

type webhook struct {
	s        *Server
	d        FacebookDeps
	received prometheus.Counter
	results  *prometheus.CounterVec
}

// mountFacebook adds the webhook's routes and metrics. The routes sit
// outside /api and /moderation: no token, no session, no CSRF token (Meta
// sends no cookie, so authenticate lets the request through untouched);
// the signature is the only credential.
func (s *Server) mountFacebook(r gin.IRouter, d FacebookDeps) {
	h := &webhook{s: s, d: d,
		received: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vigie_facebook_deliveries_received_total",
			Help: "Webhook deliveries posted to /webhooks/facebook, whatever came of them.",
		}),
		results: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigie_facebook_deliveries_total",
			Help: "Webhook deliveries by result: stored, not_our_page (answered 200, not stored), or refused (bad_signature, too_large, unreadable, store_failed).",
		}, []string{"result"}),
	}
	for _, res := range []string{deliveryStored, deliveryNotOurPage, deliveryBadSignature, deliveryTooLarge, deliveryUnreadable, deliveryStoreFailed} {
		h.results.WithLabelValues(res) // every series from the start, at 0
	}
	s.metrics.reg.MustRegister(h.received, h.results, newPlatformCollector(d.Inbox, d.Outbox))
	r.GET("/webhooks/facebook", h.handshake)
	r.POST("/webhooks/facebook", s.handle(h.deliver))
}

// handshake answers Meta's subscription check: the challenge as the raw
// body, or 403.
func (h *webhook) handshake(c *gin.Context) {
	challenge, ok := facebook.VerifyChallenge(c.Request.URL.Query(), h.d.VerifyToken)
	if !ok {
		h.s.abort(c, &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "the verify token does not match"})
		return
	}
	c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(challenge))
}

// deliver stores one delivery. Its body is never logged: until the
// signature is checked it is anyone's text, and after it is comments.
func (h *webhook) deliver(c *gin.Context) error {
	h.received.Inc()
	body, err := readDelivery(c)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.results.WithLabelValues(deliveryTooLarge).Inc()
			return &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: "a delivery may not exceed 1 MiB"}
		}
		h.results.WithLabelValues(deliveryUnreadable).Inc()
		return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: "the body could not be read"}
	}
	if !facebook.VerifySignature(h.d.AppSecret, body, c.GetHeader(facebook.SignatureHeader)) {
		h.results.WithLabelValues(deliveryBadSignature).Inc()
		h.s.log.Warn("webhook delivery refused: bad or missing signature", "request_id", requestID(c), "bytes", len(body))
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "bad or missing " + facebook.SignatureHeader}
	}
	// A signed body that is not the JSON expected is Meta's all the same:
	// it is stored and the worker keeps it as failed for a person to look
	// at. Only a readable delivery about none of our pages is dropped.
	if ids, err := facebook.PageIDs(body); err == nil && !h.anyPage(ids) {
		h.results.WithLabelValues(deliveryNotOurPage).Inc()
		h.s.log.Info("webhook delivery for pages not configured; not stored", "request_id", requestID(c), "pages", firstIDs(ids, 10))
		c.Status(http.StatusOK)
		return nil
	}
	d := moderation.Delivery{Platform: "facebook", Body: body} // received now, by the store's clock
	if err := h.d.Inbox.PutDelivery(c.Request.Context(), &d); err != nil {
		h.results.WithLabelValues(deliveryStoreFailed).Inc()
		return err // a 500: Meta delivers it again
	}
	h.results.WithLabelValues(deliveryStored).Inc()
	select {
	case h.d.Wake <- struct{}{}:
	default: // a wake-up is already waiting, or nobody listens
	}
	c.Status(http.StatusOK)
	return nil
}

// readDelivery reads the raw body, refusing more than MaxDeliveryBytes
// (an *http.MaxBytesError): a truncated body would fail its signature and
// be retried by Meta without end.
func readDelivery(c *gin.Context) ([]byte, error) {
	if c.Request.ContentLength > facebook.MaxDeliveryBytes {
		return nil, &http.MaxBytesError{Limit: facebook.MaxDeliveryBytes}
	}
	return io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, facebook.MaxDeliveryBytes))
}

func (h *webhook) anyPage(ids []string) bool {
	for _, id := range ids {
		if h.d.Pages[id] {
			return true
		}
	}
	return false
}

// firstIDs keeps a log line short: a delivery may name many pages.
func firstIDs(ids []string, n int) []string {
	if len(ids) > n {
		return append(ids[:n:n], "...")
	}
	return ids
}
