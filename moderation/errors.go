package moderation

import (
	"errors"
	"fmt"
)

// The domain's error vocabulary. Adapters map these to their own codes (api
// maps them to HTTP statuses in one table); nobody compares error strings.
var (
	ErrNotFound          = errors.New("not found")
	ErrInvalid           = errors.New("invalid")
	ErrConflict          = errors.New("conflict")
	ErrForbidden         = errors.New("forbidden")
	ErrUnauthorized      = errors.New("unauthorized")
	ErrInvalidTransition = errors.New("transition not allowed")
	ErrUnavailable       = errors.New("unavailable")
)

// FieldError is an ErrInvalid that names the input field at fault, so the API
// can answer with {"error":{"field": ...}}.
type FieldError struct {
	Kind    error // one of the sentinels above
	Field   string
	Message string
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

func (e *FieldError) Unwrap() error { return e.Kind }

// Errorf builds a FieldError of the given kind.
func Errorf(kind error, field, format string, args ...any) error {
	return &FieldError{Kind: kind, Field: field, Message: fmt.Sprintf(format, args...)}
}
