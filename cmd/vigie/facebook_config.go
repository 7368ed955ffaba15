package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"vigie/moderation"
)

// FacebookConfig is the Facebook Page connector's. Secrets (app secret,
// verify token, page tokens) never come from this file: from the
// environment, or from files outside the repository that it names.
type FacebookConfig struct {
	// GraphURL is the Graph API's base URL; tests and `vigie facebook
	// fake-graph` point it at a fake server on loopback.
	GraphURL     string `yaml:"graph_url"`
	GraphVersion string `yaml:"graph_version"`
	// AppSecretFile and VerifyTokenFile name files holding the secrets
	// (or VIGIE_FACEBOOK_APP_SECRET and VIGIE_FACEBOOK_VERIFY_TOKEN).
	AppSecretFile   string         `yaml:"app_secret_file"`
	VerifyTokenFile string         `yaml:"verify_token_file"`
	Pages           []FacebookPage `yaml:"pages"`
	// InboxWorkers apply stored webhook deliveries in this process (1 by
	// default: one delivery's comments are already applied concurrently,
	// and copies applied by several workers are recorded once);
	// OutboxWorkers perform the owed hides, unhides and deletes (2; the
	// outbox keeps each comment's actions in order).
	// Zero runs none here: with several instances, some may only receive;
	// deliveries and actions wait, committed, for a process with workers.
	InboxWorkers  int `yaml:"inbox_workers"`
	OutboxWorkers int `yaml:"outbox_workers"`

	appSecret, verifyToken string
}

// FacebookPage is one page Vigie moderates.
type FacebookPage struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// TokenFile names a file holding the page access token; TokenEnv an
	// environment variable. VIGIE_FACEBOOK_PAGE_TOKENS also gives tokens.
	TokenFile string `yaml:"token_file"`
	TokenEnv  string `yaml:"token_env"`
	// Refuse is what a refusal does on the page: hide (default; reversible)
	// or delete (for good).
	Refuse string `yaml:"refuse"`
	// HidePending hides a comment sent to review until it is decided.
	HidePending bool `yaml:"hide_pending"`

	token string
}

var pageID = regexp.MustCompile(`^[0-9]{1,32}$`)

// Source is the comments' source for this page.
func (p FacebookPage) Source() string { return "facebook:" + p.ID }

// Token is the page access token (never logged).
func (p FacebookPage) Token() string { return p.token }

// AppSecret and VerifyToken are the webhook's secrets (never logged).
func (f FacebookConfig) AppSecret() string   { return f.appSecret }
func (f FacebookConfig) VerifyToken() string { return f.verifyToken }

// Enabled reports whether the connector is configured.
func (f FacebookConfig) Enabled() bool { return len(f.Pages) > 0 }

// Policy is what decisions owe each page.
func (f FacebookConfig) Policy() moderation.PagePolicy {
	p := moderation.PagePolicy{}
	for _, pg := range f.Pages {
		act := moderation.PageActions{Refuse: moderation.ActionHide, HidePending: pg.HidePending}
		if pg.Refuse == "delete" {
			act.Refuse = moderation.ActionDelete
		}
		p[pg.Source()] = act
	}
	return p
}

// Page returns the configured page of an id.
func (f FacebookConfig) Page(id string) (FacebookPage, bool) {
	for _, p := range f.Pages {
		if p.ID == id {
			return p, true
		}
	}
	return FacebookPage{}, false
}

// applyFacebookEnv reads the secrets from the environment and adds the
// pages of VIGIE_FACEBOOK_PAGE_TOKENS ("pageid:token,pageid:token") with the
// default actions, or gives their tokens to pages of the file.
func (c *Config) applyFacebookEnv(getenv func(string) string) error {
	f := &c.Facebook
	if v := getenv("VIGIE_FACEBOOK_GRAPH_URL"); v != "" {
		f.GraphURL = v
	}
	f.appSecret, f.verifyToken = getenv("VIGIE_FACEBOOK_APP_SECRET"), getenv("VIGIE_FACEBOOK_VERIFY_TOKEN")
	for i, pair := range strings.Split(getenv("VIGIE_FACEBOOK_PAGE_TOKENS"), ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		id, tok, ok := strings.Cut(strings.TrimSpace(pair), ":")
		if !ok || !pageID.MatchString(id) || tok == "" {
			// Never echo the pair: it holds a token.
			return fmt.Errorf("VIGIE_FACEBOOK_PAGE_TOKENS: item %d is not pageid:token", i+1)
		}
		found := false
		for j := range f.Pages {
			if f.Pages[j].ID == id {
				f.Pages[j].token, found = tok, true
			}
		}
		if !found {
			f.Pages = append(f.Pages, FacebookPage{ID: id, Name: id, token: tok})
		}
	}
	return nil
}

// loadFacebookSecrets reads the secret files the config names (relative
// paths from the config's folder) and the token variables of each page.
func (c *Config) loadFacebookSecrets(getenv func(string) string) error {
	f := &c.Facebook
	read := func(key, path string, into *string) error {
		if path == "" || *into != "" {
			return nil
		}
		if !filepath.IsAbs(path) {
			path = filepath.Join(c.dir, path)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("%s: %v", key, err)
		}
		*into = strings.TrimSpace(string(b))
		return nil
	}
	if err := read("facebook.app_secret_file", f.AppSecretFile, &f.appSecret); err != nil {
		return err
	}
	if err := read("facebook.verify_token_file", f.VerifyTokenFile, &f.verifyToken); err != nil {
		return err
	}
	for i := range f.Pages {
		p := &f.Pages[i]
		if p.token == "" && p.TokenEnv != "" {
			p.token = getenv(p.TokenEnv)
		}
		if err := read(fmt.Sprintf("facebook.pages[%d].token_file", i), p.TokenFile, &p.token); err != nil {
			return err
		}
	}
	return nil
}

// validateFacebook checks the connector's settings, naming the key.
func (c *Config) validateFacebook() error {
	f := &c.Facebook
	if f.GraphURL == "" {
		f.GraphURL = "https://graph.facebook.com"
	}
	if u, err := url.Parse(f.GraphURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("facebook.graph_url: %q is not an http(s) URL", f.GraphURL)
	}
	if f.GraphVersion == "" {
		f.GraphVersion = "v21.0"
	}
	if !regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]{1,2}$`).MatchString(f.GraphVersion) {
		return fmt.Errorf("facebook.graph_version: %q is not a version such as v21.0", f.GraphVersion)
	}
	if f.InboxWorkers < 0 || f.InboxWorkers > 64 {
		return fmt.Errorf("facebook.inbox_workers: must be between 0 and 64, got %d", f.InboxWorkers)
	}
	if f.OutboxWorkers < 0 || f.OutboxWorkers > 64 {
		return fmt.Errorf("facebook.outbox_workers: must be between 0 and 64, got %d", f.OutboxWorkers)
	}
	seen := map[string]bool{}
	for i, p := range f.Pages {
		key := fmt.Sprintf("facebook.pages[%d]", i)
		switch {
		case !pageID.MatchString(p.ID):
			return fmt.Errorf("%s.id: %q is not a page id (digits)", key, p.ID)
		case seen[p.ID]:
			return fmt.Errorf("%s.id: page %s is configured twice", key, p.ID)
		case p.Refuse != "" && p.Refuse != "hide" && p.Refuse != "delete":
			return fmt.Errorf("%s.refuse: %q is not hide or delete", key, p.Refuse)
		case p.token == "":
			return fmt.Errorf("%s: page %s has no access token (token_file, token_env or VIGIE_FACEBOOK_PAGE_TOKENS)", key, p.ID)
		}
		seen[p.ID] = true
	}
	if len(f.Pages) > 0 && (f.appSecret == "" || f.verifyToken == "") {
		return fmt.Errorf("facebook: pages are configured but the app secret or verify token is missing (VIGIE_FACEBOOK_APP_SECRET and VIGIE_FACEBOOK_VERIFY_TOKEN, or app_secret_file and verify_token_file)")
	}
	return nil
}
