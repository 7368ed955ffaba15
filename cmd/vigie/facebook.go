package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"vigie/api"
	"vigie/api/facebook"
	"vigie/api/facebook/fakegraph"
	"vigie/moderation"
)

const facebookUsage = `usage: vigie facebook <sync|fake-graph|replay> [--config FILE] ...
  sync --page ID [--since 24h]      read the page's recent posts and their comments through
                                    the Graph API and take in what the webhook missed
  fake-graph [--addr 127.0.0.1:8787] [--page ID:TOKEN ...] [--comments FILE.json]
                                    run a fake Graph API on loopback until interrupted; with
                                    --comments, the comments of that delivery are on its pages
  replay FILE.json [--url URL]      sign a delivery with the app secret (VIGIE_FACEBOOK_APP_SECRET)
                                    and post it to a running server's /webhooks/facebook`

// runFacebook is `vigie facebook`: the Facebook connector's tools.
func runFacebook(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return &usageError{facebookUsage}
	}
	switch args[0] {
	case "sync":
		return runFacebookSync(ctx, env, args[1:])
	case "fake-graph":
		return runFakeGraph(ctx, env, args[1:])
	case "replay":
		return runFacebookReplay(ctx, env, args[1:])
	}
	return &usageError{facebookUsage}
}

// runFacebookSync catches a page up: an outage longer than Meta's retries,
// or a page connected late. What it takes in owes the same actions as the
// webhook's; the outbox workers of `vigie serve` perform them.
func runFacebookSync(ctx context.Context, env *Env, args []string) error {
	fs, cfgPath := flags(env, "facebook sync")
	page := fs.String("page", "", "the page's id (configured)")
	since := fs.String("since", "24h", "how far back to read posts: a duration such as 24h or 7d")
	if err := parse(fs, args); err != nil {
		return err
	}
	back, err := ParseAge(*since)
	if err != nil || back == 0 {
		return &usageError{fmt.Sprintf("--since: %q is not a duration such as 24h or 7d", *since)}
	}
	if *page == "" || fs.NArg() != 0 {
		return &usageError{facebookUsage}
	}
	app, err := openApp(ctx, env, *cfgPath)
	if err != nil {
		return err
	}
	defer app.Close()
	if _, ok := app.Config.Facebook.Page(*page); !ok {
		return fmt.Errorf("page %s is not configured (facebook.pages or VIGIE_FACEBOOK_PAGE_TOKENS)", *page)
	}
	client, err := graphClient(app.Config.Facebook)
	if err != nil {
		return err
	}
	proc := facebook.NewProcessor(app.Service, app.DB, app.Config.Facebook.Policy(), app.Log)
	r, err := proc.Sync(ctx, client, *page, time.Now().Add(-back))
	fmt.Fprintf(env.Stdout, "page %s: %d posts, %d comments read, %d new\n", *page, r.Posts, r.Comments, r.New)
	if err != nil {
		return err
	}
	return app.Close()
}

// runFakeGraph serves a fake Graph API for trying the connector by hand.
// It listens on loopback only: it has no authentication of its own.
func runFakeGraph(ctx context.Context, env *Env, args []string) error {
	fs, _ := flags(env, "facebook fake-graph")
	addr := fs.String("addr", "127.0.0.1:8787", "where to listen (loopback)")
	seed := fs.String("comments", "", "a webhook delivery whose comments to put on the pages")
	var pages []fakegraph.Page
	fs.Func("page", "a page and its access token, ID:TOKEN (repeatable)", func(v string) error {
		id, tok, ok := strings.Cut(v, ":")
		if !ok || !pageID.MatchString(id) || tok == "" {
			return errors.New("want ID:TOKEN")
		}
		pages = append(pages, fakegraph.Page{ID: id, Name: "Page " + id, Token: tok})
		return nil
	})
	if err := parse(fs, reorder(args)); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return &usageError{facebookUsage}
	}
	host, _, err := net.SplitHostPort(*addr)
	if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		return &usageError{fmt.Sprintf("--addr: %q is not a loopback host:port", *addr)}
	}
	fake := fakegraph.NewUnstarted()
	for _, p := range pages {
		if err := fake.AddPage(p); err != nil {
			return err
		}
	}
	if *seed != "" {
		n, err := seedFake(fake, *seed)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%d comments from %s put on the pages\n", n, *seed)
	}
	if err := fake.Start(*addr); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer fake.Close()
	fmt.Fprintf(env.Stdout, "fake Graph API on %s (set VIGIE_FACEBOOK_GRAPH_URL=%s); %s/_fake/calls lists the calls\n",
		fake.URL(), fake.URL(), fake.URL())
	<-ctx.Done()
	return nil
}

// seedFake puts the comments of a delivery (adds and edits by people, not
// by the page) on the fake's pages, with their posts.
func seedFake(fake *fakegraph.Server, path string) (int, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	d, err := facebook.ParseDelivery(body)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	n := 0
	for _, c := range d.Changes {
		if c.Verb != facebook.VerbAdd && c.Verb != facebook.VerbEdited {
			continue
		}
		if _, ok := fake.Comment(c.CommentID); ok {
			continue
		}
		// A post already there is fine; a page not given with --page is not.
		_ = fake.AddPost(fakegraph.Post{ID: c.PostID, PageID: c.PageID})
		err := fake.AddComment(fakegraph.Comment{ID: c.CommentID, PostID: c.PostID, ParentID: c.ParentCommentID(),
			From: fakegraph.Author{ID: c.From.ID, Name: c.From.Name}, Message: c.Message, CreatedTime: c.CreatedTime})
		if err != nil {
			return n, fmt.Errorf("%s: %w (is page %s given with --page?)", path, err, c.PageID)
		}
		n++
	}
	return n, nil
}

// runFacebookReplay posts a delivery to a running server as Meta would:
// signed with the app secret over the file's exact bytes.
func runFacebookReplay(ctx context.Context, env *Env, args []string) error {
	fs, cfgPath := flags(env, "facebook replay")
	target := fs.String("url", "", "the server's base URL (default: http:// and server.addr of the config)")
	if err := parse(fs, reorder(args)); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &usageError{facebookUsage}
	}
	cfg, _, err := loadConfig(env, *cfgPath)
	if err != nil {
		return err
	}
	secret := cfg.Facebook.AppSecret()
	if secret == "" {
		return errors.New("no app secret to sign with: set VIGIE_FACEBOOK_APP_SECRET (or facebook.app_secret_file)")
	}
	body, err := readFileOrStdin(env, fs.Arg(0))
	if err != nil {
		return err
	}
	base := *target
	if base == "" {
		base = "http://" + loopbackIfUnspecified(cfg.Server.Addr)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(base, "/")+"/webhooks/facebook", bytes.NewReader(body))
	if err != nil {
		return &usageError{fmt.Sprintf("--url: %v", err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(facebook.SignatureHeader, facebook.Sign(secret, body))
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	fmt.Fprintf(env.Stdout, "%s %s\n", resp.Status, bytes.TrimSpace(answer))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("the server answered %s", resp.Status)
	}
	return nil
}

func readFileOrStdin(env *Env, path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(env.Stdin)
	}
	return os.ReadFile(path)
}

// loopbackIfUnspecified turns ":8080" or "0.0.0.0:8080" into an address a
// client can reach on this machine.
func loopbackIfUnspecified(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// graphClient is the Graph API client for the configured pages.
func graphClient(f FacebookConfig) (*facebook.Client, error) {
	tokens := facebook.StaticTokens{}
	for _, p := range f.Pages {
		tokens[p.ID] = p.Token()
	}
	return facebook.NewClient(f.GraphURL, f.GraphVersion, tokens, &http.Client{Timeout: facebook.DefaultTimeout})
}

// startFacebook wires the connector into `vigie serve` when pages are
// configured: the webhook's dependencies, and the inbox and outbox
// workers, which run until the returned stop, called before the database
// closes. Their context does not end with the signal that stops the
// server: they keep applying what in-flight webhook requests store.
func startFacebook(ctx context.Context, app *App) (*api.FacebookDeps, func(), error) {
	f := app.Config.Facebook
	if !f.Enabled() {
		return nil, func() {}, nil
	}
	client, err := graphClient(f)
	if err != nil {
		return nil, nil, err
	}
	pages := map[string]bool{}
	var ids []string
	for _, p := range f.Pages {
		pages[p.ID] = true
		ids = append(ids, p.ID)
	}
	wake := make(chan struct{}, 1)
	deps := &api.FacebookDeps{AppSecret: f.AppSecret(), VerifyToken: f.VerifyToken(), Pages: pages,
		Inbox: app.DB, Outbox: app.DB, Wake: wake}

	proc := facebook.NewProcessor(app.Service, app.DB, f.Policy(), app.Log)
	platform := facebook.NewPlatform(client)
	host, _ := os.Hostname()
	holder := func(kind string, i int) string { return fmt.Sprintf("%s:%d/%s-%d", host, os.Getpid(), kind, i+1) }

	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	for i := range f.InboxWorkers {
		w := &moderation.InboxWorker{Store: app.DB, Handle: proc.Handle, Log: app.Log, Holder: holder("inbox", i)}
		wg.Go(func() { _ = w.Run(wctx, wake) })
	}
	for i := range f.OutboxWorkers {
		w := &moderation.OutboxWorker{Store: app.DB, Platform: platform, Log: app.Log, Holder: holder("outbox", i)}
		wg.Go(func() { _ = w.Run(wctx) })
	}
	app.Log.Info("facebook connector on", "pages", ids, "graph_url", f.GraphURL, "graph_version", f.GraphVersion,
		"inbox_workers", f.InboxWorkers, "outbox_workers", f.OutboxWorkers)
	if f.InboxWorkers == 0 {
		app.Log.Warn("facebook.inbox_workers is 0: webhook deliveries are stored, not applied, until a process with workers runs")
	}
	if f.OutboxWorkers == 0 {
		app.Log.Warn("facebook.outbox_workers is 0: actions owed to the pages wait until a process with workers runs")
	}
	return deps, sync.OnceFunc(func() { cancel(); wg.Wait() }), nil
}
