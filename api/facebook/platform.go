package facebook

import (
	"context"
	"errors"
	"fmt"

	"vigie/moderation"
)

// Platform performs owed actions (the outbox) on Facebook through the
// Graph API. It implements moderation.Platform: nil when Facebook
// confirmed, a *moderation.PlatformError saying whether to retry, give up,
// or alert an admin otherwise.
type Platform struct {
	client *Client
}

var _ moderation.Platform = (*Platform)(nil)

// NewPlatform acts through client.
func NewPlatform(client *Client) *Platform { return &Platform{client: client} }

// Perform hides, unhides or deletes the comment of an outbox item.
func (p *Platform) Perform(ctx context.Context, it moderation.OutboxItem) error {
	pageID, ok := PageIDOf(it.Source)
	if !ok {
		return &moderation.PlatformError{Permanent: true, Err: fmt.Errorf("outbox %d: source %q is not a Facebook page", it.ID, it.Source)}
	}
	var err error
	switch it.Kind {
	case moderation.ActionHide:
		err = p.client.Hide(ctx, pageID, it.ExternalID, true)
	case moderation.ActionUnhide:
		err = p.client.Hide(ctx, pageID, it.ExternalID, false)
	case moderation.ActionDelete:
		err = p.client.Delete(ctx, pageID, it.ExternalID)
	default:
		return &moderation.PlatformError{Permanent: true, Err: fmt.Errorf("outbox %d: unknown action %s", it.ID, it.Kind)}
	}
	if err == nil {
		return nil
	}
	if ClassOf(err) == NotFoundOrNoPermission {
		return p.confirmGone(ctx, pageID, it, err)
	}
	return platformError(err)
}

// confirmGone settles code 100, which Facebook answers both for a comment
// that no longer exists and for one we may not touch: a GET tells them
// apart. Gone (deleted by its author or a page admin) means there is
// nothing left to hide or delete, so the action is done; still there means
// we lack the permission, which retrying cannot fix.
func (p *Platform) confirmGone(ctx context.Context, pageID string, it moderation.OutboxItem, actErr error) error {
	_, err := p.client.Get(ctx, pageID, it.ExternalID)
	switch {
	case err == nil:
		return &moderation.PlatformError{Permanent: true,
			Err: fmt.Errorf("%s refused although the comment exists (no permission?): %w", it.Kind, actErr)}
	case ClassOf(err) == NotFoundOrNoPermission:
		return nil // gone: nothing left to hide, show again or delete
	}
	return platformError(err) // the confirmation itself failed: try again later
}

// platformError maps the Graph API's error classes to the outbox's.
func platformError(err error) error {
	pe := &moderation.PlatformError{Err: err}
	switch ClassOf(err) {
	case Throttled:
		var gerr *GraphError
		if errors.As(err, &gerr) {
			pe.RetryAfter = gerr.RetryAfter
		}
	case TokenInvalid:
		pe.Alert = true
	case Permanent:
		pe.Permanent = true
	}
	return pe
}
