package facebook

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"vigie/moderation"
)

// ErrPagingLimit means a paging read stopped at Client.MaxPages; what was
// read so far is returned with it.
var ErrPagingLimit = errors.New("paging limit reached")

const defaultMaxPages = 100

// pageSize is asked of every list: Meta's default is 25, its maximum 100.
const pageSize = "100"

// Post is a post of a page, as listed for a catch-up.
type Post struct {
	ID          string
	Message     string
	CreatedTime time.Time
}

type wirePost struct {
	ID          wireID   `json:"id"`
	Message     string   `json:"message"`
	CreatedTime wireTime `json:"created_time"`
}

// PagePosts lists the page's posts created since the given time (all of
// them when since is zero), newest first as Meta lists them:
// GET /{version}/{page-id}/posts?since=<unix>, following paging.next.
func (c *Client) PagePosts(ctx context.Context, pageID string, since time.Time) ([]Post, error) {
	if err := checkIDs("posts", pageID, pageID); err != nil {
		return nil, err
	}
	q := url.Values{"fields": {"id,message,created_time"}, "limit": {pageSize}}
	if !since.IsZero() {
		q.Set("since", strconv.FormatInt(since.Unix(), 10))
	}
	wire, err := readPages[wirePost](ctx, c, "posts", pageID, pageID, c.edgeURL(pageID, "posts", q))
	posts := make([]Post, 0, len(wire))
	for _, w := range wire {
		posts = append(posts, Post{ID: string(w.ID), Message: w.Message, CreatedTime: time.Time(w.CreatedTime)})
	}
	return posts, err
}

// PostComments lists every comment of a post, replies included
// (filter=stream: Meta's default, toplevel, leaves replies out), oldest
// first: GET /{version}/{post-id}/comments, following paging.next.
func (c *Client) PostComments(ctx context.Context, pageID, postID string) ([]Comment, error) {
	if err := checkIDs("comments", pageID, postID); err != nil {
		return nil, err
	}
	q := url.Values{"fields": {commentFields}, "filter": {"stream"}, "order": {"chronological"}, "limit": {pageSize}}
	wire, err := readPages[wireComment](ctx, c, "comments", pageID, postID, c.edgeURL(postID, "comments", q))
	comments := make([]Comment, 0, len(wire))
	for _, w := range wire {
		comments = append(comments, w.comment(postID))
	}
	return comments, err
}

func (c *Client) edgeURL(id, edge string, query url.Values) *url.URL {
	u := c.objectURL(id, query)
	u.Path += "/" + edge
	return u
}

// readPages reads a list and its following pages. It stops at the last page
// (no paging.next, or no data), or at MaxPages with ErrPagingLimit; on an
// error it returns what was read so far with it.
func readPages[T any](ctx context.Context, c *Client, op, pageID, object string, next *url.URL) ([]T, error) {
	limit := c.MaxPages
	if limit <= 0 {
		limit = defaultMaxPages
	}
	var all []T
	for n := 0; next != nil; n++ {
		if n == limit {
			return all, fmt.Errorf("facebook %s %s: %d pages: %w", op, object, limit, ErrPagingLimit)
		}
		var page struct {
			Data   []T `json:"data"`
			Paging struct {
				Next string `json:"next"`
			} `json:"paging"`
		}
		if err := c.call(ctx, op, pageID, object, http.MethodGet, next, nil, &page); err != nil {
			return all, err
		}
		all = append(all, page.Data...)
		if len(page.Data) == 0 {
			break
		}
		var err error
		if next, err = c.nextURL(op, object, page.Paging.Next); err != nil {
			return all, err
		}
	}
	return all, nil
}

// nextURL checks a paging.next link before it is followed: it must point at
// the Graph API host we were given, since the page token goes with it, and
// the access_token Meta writes into it is taken out (the header carries it;
// a URL with a token would end up in error strings).
func (c *Client) nextURL(op, object, raw string) (*url.URL, error) {
	if raw == "" {
		return nil, nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != c.base.Scheme || u.Host != c.base.Host {
		return nil, moderation.Errorf(moderation.ErrInvalid, "paging.next",
			"facebook %s %s: paging.next does not point at the Graph API host %s", op, object, c.base.Host)
	}
	q := u.Query()
	q.Del("access_token")
	u.RawQuery = q.Encode()
	u.Fragment = ""
	return u, nil
}
