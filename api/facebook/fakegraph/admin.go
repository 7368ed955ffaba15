package fakegraph

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// maxAdminBody bounds what the /_fake/ endpoints read.
const maxAdminBody = 1 << 20

// serveAdmin serves the /_fake/ endpoints, to seed and inspect the fake
// when it runs by hand. They answer plain JSON, or {"error":"..."}.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxAdminBody)
	path := strings.TrimPrefix(r.URL.Path, "/_fake/")
	var err error
	switch {
	case r.Method == http.MethodPost && path == "pages":
		var p Page
		if err = decode(r, &p); err == nil {
			err = s.AddPage(p)
		}
	case r.Method == http.MethodPost && path == "posts":
		var p Post
		if err = decode(r, &p); err == nil {
			err = s.AddPost(p)
		}
	case r.Method == http.MethodPost && path == "comments":
		var c Comment
		if err = decode(r, &c); err == nil {
			err = s.AddComment(c)
		}
	case r.Method == http.MethodPost && path == "faults":
		err = s.scriptFromJSON(r)
	case r.Method == http.MethodGet && path == "calls":
		writeJSON(w, http.StatusOK, s.Calls())
		return
	case r.Method == http.MethodGet && strings.HasPrefix(path, "comments/"):
		if c, found := s.Comment(strings.TrimPrefix(path, "comments/")); found {
			writeJSON(w, http.StatusOK, c)
			return
		}
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such comment"})
		return
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such endpoint: " + r.Method + " " + r.URL.Path})
		return
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// faultRequest scripts a fault over HTTP: a kind by name, times times.
type faultRequest struct {
	Op            Op     `json:"op"`
	Object        string `json:"object"`
	Kind          string `json:"kind"` // throttle, server_error, timeout, slow, not_found, invalid_token, error
	Times         int    `json:"times"`
	Delay         string `json:"delay"`          // for timeout and slow, a Go duration: "45s"
	RegainMinutes int    `json:"regain_minutes"` // for throttle
	Status        int    `json:"status"`         // for error
	Code          int    `json:"code"`           // for error
	Subcode       int    `json:"subcode"`        // for error
	Message       string `json:"message"`        // for error
}

func (s *Server) scriptFromJSON(r *http.Request) error {
	var fr faultRequest
	if err := decode(r, &fr); err != nil {
		return err
	}
	switch fr.Op {
	case OpGet, OpHide, OpUnhide, OpDelete, OpPosts, OpComments, OpOther:
	default:
		return fmt.Errorf("unknown op %q", fr.Op)
	}
	var delay time.Duration
	if fr.Delay != "" {
		d, err := time.ParseDuration(fr.Delay)
		if err != nil {
			return fmt.Errorf("delay: %w", err)
		}
		delay = d
	}
	var f Fault
	switch fr.Kind {
	case "throttle":
		f = Throttle(fr.RegainMinutes)
	case "server_error":
		f = ServerError()
	case "timeout":
		f = Timeout(delay)
	case "slow":
		f = Slow(delay)
	case "not_found":
		f = NotFound()
	case "invalid_token":
		f = InvalidToken()
	case "error":
		if fr.Status < 400 || fr.Status > 599 {
			return fmt.Errorf("status %d is not an HTTP error status", fr.Status)
		}
		f = Fault{Status: fr.Status, Code: fr.Code, Subcode: fr.Subcode, Type: "OAuthException", Message: fr.Message}
	default:
		return fmt.Errorf("unknown fault kind %q", fr.Kind)
	}
	if fr.Times <= 0 {
		fr.Times = 1
	}
	faults := make([]Fault, fr.Times)
	for i := range faults {
		faults[i] = f
	}
	s.Script(fr.Op, fr.Object, faults...)
	return nil
}

func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
