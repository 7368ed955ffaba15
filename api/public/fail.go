package public

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/api/httperr"
	"vigie/moderation"
	"vigie/moderation/i18n"
)

// failJSON answers an error on the JSON routes in the API's one error
// shape, from the API's one table (api/httperr).
func (h *handler) failJSON(c *gin.Context, err error) {
	status, d := httperr.Describe(err)
	d.RequestID = c.GetString(httperr.RequestIDKey)
	h.logFailure(status, d.RequestID, err)
	c.AbortWithStatusJSON(status, httperr.Body{Error: d})
}

// errorView is the error page: a status, a sentence in the reader's
// language and the request id to quote.
type errorView struct {
	Lang, Message, RequestID, BackURL string
	Status                            int
}

// failHTML answers an error on an HTML route with a page in the reader's
// language, never JSON or an English string. The status comes from the
// same table as the API's; the words are the page's own, since the
// domain's messages are English and written for developers.
func (h *handler) failHTML(c *gin.Context, lang string, err error) {
	status, d := httperr.Describe(err)
	d.RequestID = c.GetString(httperr.RequestIDKey)
	h.logFailure(status, d.RequestID, err)
	key := "pub_err_request"
	switch {
	case status == http.StatusServiceUnavailable:
		key = "pub_err_unavailable"
	case status >= 500:
		key = "pub_err_internal"
	}
	c.Header("Cache-Control", "no-store") // an error is not the figures
	h.writeHTML(c, status, lang, "error.html", errorView{Lang: lang, Status: status,
		Message: i18n.T(lang, key), RequestID: d.RequestID, BackURL: "/transparency?lang=" + lang})
}

// logFailure logs server failures in full; a client's mistake is not an
// error of ours.
func (h *handler) logFailure(status int, requestID string, err error) {
	if status >= 500 {
		h.Log.Error("transparency: request failed", "status", status, "request_id", requestID, "err", err)
	}
}

// periodMessage says what is wrong with the requested period in the page's
// language. The domain's message names query parameters, fit for the API;
// the page rewrites it from the field at fault and what the reader typed.
func periodMessage(lang string, fe *moderation.FieldError, q url.Values) string {
	from, to := strings.TrimSpace(q.Get("from")), strings.TrimSpace(q.Get("to"))
	switch fe.Field {
	case "from":
		if from == "" {
			return i18n.T(lang, "pub_err_from_missing")
		}
		return fmt.Sprintf(i18n.T(lang, "pub_err_from_bad"), clip(from))
	case "to":
		if to == "" {
			return i18n.T(lang, "pub_err_to_missing")
		}
		if _, err := time.Parse("2006-01-02", to); err != nil {
			return fmt.Sprintf(i18n.T(lang, "pub_err_to_bad"), clip(to))
		}
		return i18n.T(lang, "pub_err_range")
	}
	return fmt.Sprintf(i18n.T(lang, "pub_err_period"), clip(q.Get("period")))
}

// clip shortens what a reader typed before it is quoted back: the point is
// to recognise it, and a long query should not push the page around.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:39]) + "…"
	}
	return s
}
