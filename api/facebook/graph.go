package facebook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"vigie/moderation"
)

// DefaultGraphURL is Meta's Graph API; tests point the client at fakegraph.
const DefaultGraphURL = "https://graph.facebook.com"

// DefaultTimeout bounds one Graph call when the caller gives no client: a
// hung call must not hold an outbox worker forever.
const DefaultTimeout = 30 * time.Second

// maxAnswerBytes bounds what is read of one answer (a page of 100 comments
// is far below it).
const maxAnswerBytes = 8 << 20

// ErrNoToken means no access token is configured for the page: an operator
// matter, classed with an invalid token.
var ErrNoToken = errors.New("no access token for the page")

// TokenSource gives the Page access token to act on a page. Tokens come
// from the environment or a file, never the config file; the client sends
// them in a header and never writes them into an error.
type TokenSource interface {
	PageToken(pageID string) (string, error)
}

// StaticTokens is a TokenSource over a fixed map of page id → token.
type StaticTokens map[string]string

// PageToken returns the page's token, or an error wrapping ErrNoToken.
func (t StaticTokens) PageToken(pageID string) (string, error) {
	if tok := t[pageID]; tok != "" {
		return tok, nil
	}
	return "", fmt.Errorf("page %s: %w", pageID, ErrNoToken)
}

// Client calls the Graph API for the pages its TokenSource knows. It is safe
// for concurrent use.
//
// The token goes in an "Authorization: Bearer" header rather than the
// access_token parameter: a URL ends up in error strings, proxy logs and
// traces, a header does not. Meta's paging.next links carry access_token in
// their query; it is taken out before they are followed.
type Client struct {
	base    *url.URL
	version string
	tokens  TokenSource
	http    *http.Client
	// MaxPages bounds one paging read (PagePosts, PostComments), so a
	// cursor that never ends cannot hold a sync forever. Zero means 100.
	MaxPages int
}

var versionPattern = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]{1,3}$`)

// NewClient builds a client for baseURL (DefaultGraphURL in production) and
// an API version such as "v21.0". A nil httpClient gets one with
// DefaultTimeout. Errors wrap moderation.ErrInvalid and name the setting.
func NewClient(baseURL, version string, tokens TokenSource, httpClient *http.Client) (*Client, error) {
	base, err := url.Parse(baseURL)
	switch {
	case err != nil, base.Scheme != "http" && base.Scheme != "https", base.Host == "",
		base.User != nil, base.RawQuery != "", base.Fragment != "":
		return nil, moderation.Errorf(moderation.ErrInvalid, "graph_url", "graph API URL %q is not an http(s) URL without query", baseURL)
	case !versionPattern.MatchString(version):
		return nil, moderation.Errorf(moderation.ErrInvalid, "graph_version", "graph API version %q is not like v21.0", version)
	case tokens == nil:
		return nil, moderation.Errorf(moderation.ErrInvalid, "tokens", "no token source")
	}
	if httpClient == nil {
		httpClient = &http.Client{Timeout: DefaultTimeout}
	}
	base.Path = strings.TrimSuffix(base.Path, "/")
	return &Client{base: base, version: version, tokens: tokens, http: httpClient}, nil
}

// Hide hides (hidden true) or unhides a comment:
// POST /{version}/{comment-id} with is_hidden=true|false. Hiding is
// idempotent on Meta's side, so a retry after a lost answer is harmless.
func (c *Client) Hide(ctx context.Context, pageID, commentID string, hidden bool) error {
	op := "unhide"
	if hidden {
		op = "hide"
	}
	form := url.Values{"is_hidden": {strconv.FormatBool(hidden)}}
	return c.act(ctx, op, pageID, commentID, http.MethodPost, form)
}

// Delete deletes a comment for good: DELETE /{version}/{comment-id}. A
// retry of a delete that did happen gets code 100: confirm it with Get.
func (c *Client) Delete(ctx context.Context, pageID, commentID string) error {
	return c.act(ctx, "delete", pageID, commentID, http.MethodDelete, nil)
}

// act performs a call answered by {"success":true}.
func (c *Client) act(ctx context.Context, op, pageID, commentID, method string, form url.Values) error {
	if err := checkIDs(op, pageID, commentID); err != nil {
		return err
	}
	var answer struct {
		Success bool `json:"success"`
	}
	if err := c.call(ctx, op, pageID, commentID, method, c.objectURL(commentID, nil), form, &answer); err != nil {
		return err
	}
	if !answer.Success {
		return &GraphError{Op: op, Object: commentID, HTTPStatus: http.StatusOK, Message: "answer without success: true"}
	}
	return nil
}

// Comment is a comment as the Graph API returns it.
type Comment struct {
	ID          string
	PostID      string // set by PostComments; Get cannot know it
	ParentID    string // the parent comment of a reply, "" for a top-level comment
	From        moderation.Author
	Message     string
	CreatedTime time.Time
	IsHidden    bool
}

// commentFields are the fields read for every comment.
const commentFields = "id,message,from,created_time,is_hidden,parent"

type wireComment struct {
	ID          wireID   `json:"id"`
	Message     string   `json:"message"`
	From        wireFrom `json:"from"`
	CreatedTime wireTime `json:"created_time"`
	IsHidden    bool     `json:"is_hidden"`
	Parent      *struct {
		ID wireID `json:"id"`
	} `json:"parent"`
}

func (w wireComment) comment(postID string) Comment {
	c := Comment{
		ID:          string(w.ID),
		PostID:      postID,
		From:        moderation.Author{ID: string(w.From.ID), Name: w.From.Name},
		Message:     w.Message,
		CreatedTime: time.Time(w.CreatedTime),
		IsHidden:    w.IsHidden,
	}
	if w.Parent != nil {
		c.ParentID = string(w.Parent.ID)
	}
	return c
}

// Get reads a comment:
// GET /{version}/{comment-id}?fields=id,message,from,created_time,is_hidden,parent.
// It is how a code 100 is confirmed: a comment that is gone answers 100
// again, one we may not act on answers.
func (c *Client) Get(ctx context.Context, pageID, commentID string) (Comment, error) {
	if err := checkIDs("get", pageID, commentID); err != nil {
		return Comment{}, err
	}
	var w wireComment
	u := c.objectURL(commentID, url.Values{"fields": {commentFields}})
	if err := c.call(ctx, "get", pageID, commentID, http.MethodGet, u, nil, &w); err != nil {
		return Comment{}, err
	}
	return w.comment(""), nil
}

// Change turns a comment read during a catch-up into the add change the
// webhook would have delivered, so both ways in share one intake and one
// deduplication. The caller skips those with ByPage(), as ParseDelivery
// does for the webhook.
func (c Comment) Change(pageID string) Change {
	parent := c.ParentID
	if parent == "" {
		parent = c.PostID
	}
	return Change{PageID: pageID, Verb: VerbAdd, CommentID: c.ID, PostID: c.PostID, ParentID: parent,
		From: c.From, Message: c.Message, CreatedTime: c.CreatedTime}
}

func checkIDs(op, pageID, objectID string) error {
	if !validID(pageID) {
		return moderation.Errorf(moderation.ErrInvalid, "page_id", "facebook %s: page id %q is not a Graph id", op, pageID)
	}
	if !validID(objectID) {
		return moderation.Errorf(moderation.ErrInvalid, "external_id", "facebook %s: id %q is not a Graph id", op, objectID)
	}
	return nil
}

func (c *Client) objectURL(id string, query url.Values) *url.URL {
	u := *c.base
	u.Path = c.base.Path + "/" + c.version + "/" + id
	u.RawQuery = query.Encode()
	return &u
}

// call performs one request for the page and decodes a successful answer
// into out. Every failure is a *GraphError, scrubbed of the token, except a
// missing token.
func (c *Client) call(ctx context.Context, op, pageID, object, method string, u *url.URL, form url.Values, out any) error {
	token, err := c.tokens.PageToken(pageID)
	if err != nil {
		return fmt.Errorf("facebook %s %s: %w", op, object, err)
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return scrub(&GraphError{Op: op, Object: object, Err: err}, token)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return scrub(&GraphError{Op: op, Object: object, Err: err}, token)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if err != nil {
		return scrub(&GraphError{Op: op, Object: object, HTTPStatus: resp.StatusCode, Err: err}, token)
	}
	if gerr := answerError(op, object, resp, data); gerr != nil {
		return scrub(gerr, token)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return scrub(&GraphError{Op: op, Object: object, HTTPStatus: resp.StatusCode, Message: "unreadable answer: " + err.Error()}, token)
		}
	}
	return nil
}
