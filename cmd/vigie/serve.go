package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/netutil"

	"vigie/api"
	"vigie/moderation"
	"vigie/reports"
	"vigie/rules"
)

func runServe(ctx context.Context, env *Env, args []string) error {
	fs, cfgPath := flags(env, "serve")
	app, err := openCommand(ctx, env, fs, cfgPath, args)
	if err != nil {
		return err
	}
	defer app.Close()
	log := app.Log

	tokens, err := app.Config.apiTokens()
	if err != nil {
		return err
	}
	if len(tokens) == 0 {
		log.Warn("no API token configured: intake is closed (set VIGIE_API_TOKEN or intake.api_tokens)")
	}
	for _, t := range tokens {
		if slices.Contains(t.Sources, "*") {
			log.Warn("API token reaches every source but Facebook's: limit it with sources (see `vigie token`)", "token", t.Name, "scopes", strings.Join(t.Scopes, ","))
		}
	}
	// The models trained from the moderators' decisions (model.go):
	// promoted ones in force, the newest candidate in shadow. A broken one
	// leaves the configured rules running, loudly.
	if err := app.applyModels(ctx); err != nil {
		log.Error("model candidates not applied; the configured rules run", "err", err)
	}
	if err := app.rememberRecent(ctx); err != nil {
		return err
	}
	if err := app.ensureAdmin(ctx, env); err != nil {
		return err
	}
	ix := reports.NewIndex(app.reportOptions())
	fb, stopFacebook, err := startFacebook(ctx, app)
	if err != nil {
		return err
	}
	defer stopFacebook() // before the deferred app.Close
	metricsToken, err := app.Config.metricsToken(env.Getenv)
	if err != nil {
		return err
	}
	handler := api.New(api.Deps{
		Service: app.Service, Tokens: api.NewTokens(tokens), Accounts: app.Accounts, Log: log,
		MaxBodyBytes: app.Config.Server.MaxBodyBytes, Ping: app.DB.Ping, Ready: app.DB.Ready,
		WriteStats: func() (int64, int64) { ws := app.DB.WriteStats(); return ws.Requests, ws.Commits },
		Mount:      publicRoutes(app, ix),
		Facebook:   fb,
		Platform:   platformAdmin(app),
		Models:     modelsAdmin{app},
		Limits:     app.Config.Server.apiLimits(), TrustedProxies: app.Config.Server.TrustedProxies,
		Metrics: api.MetricsOptions{Elsewhere: app.Config.Server.MetricsAddr != "", Token: metricsToken,
			ChainHead: func(ctx context.Context) (int64, error) { seq, _, err := app.DB.Head(ctx); return seq, err },
			Log:       app.DB},
		Reporting: api.Reporting{
			Location: app.Config.location(),
			Report: func(p reports.Period) (*reports.Report, error) {
				return ix.Report(p, reports.ReportOptions{Policy: policyOf(app.Service.Rules()), Now: time.Now()})
			},
			ExportSOR: func(ctx context.Context, w io.Writer, format, lang string, p reports.Period) error {
				return reports.WriteSOR(ctx, w, format, app.DB, p.From, p.To, policyOf(app.Service.Rules()), app.sorOptions(lang))
			},
		},
		RulesAdmin: api.RulesAdmin{
			Candidate: app.candidateRules,
			Backtest: func(ctx context.Context, cand *rules.Ruleset) (*moderation.Backtest, error) {
				return moderation.RunBacktest(ctx, app.DB, app.Service.Rules(), cand, time.Now().AddDate(0, 0, -30), 5)
			},
		},
	})
	// The histograms of classify, language-detection and commit times
	// live on the handler's registry; the domain and the writer feed them.
	app.Service.SetObserver(handler.ClassifyObserver())
	app.DB.SetBatchObserver(handler.BatchObserver())

	ln, err := net.Listen("tcp", app.Config.Server.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	// Over the cap, new connections wait in the kernel's accept queue while
	// the open ones are served: a flood of connections slows the newcomers
	// down instead of running the process out of file descriptors. The
	// timeouts below bound how long any one connection holds its place.
	ln = netutil.LimitListener(ln, app.Config.Server.MaxConnections)
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	// Register for SIGHUP before announcing the address: a SIGHUP that came
	// before Notify would kill the process (its default action).
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go reloadOnHangup(ctx, app, hup)
	log.Info("listening", "addr", ln.Addr().String(), "database", app.Config.Database.Driver,
		"ruleset_version", app.Service.Rules().Version())

	stopBackground := sync.OnceFunc(startBackground(ctx, app, ix))
	defer stopBackground()
	stopModels := sync.OnceFunc(startModels(ctx, app))
	defer stopModels()
	stopCrisis := sync.OnceFunc(startCrisis(ctx, app)) // crisis.go
	defer stopCrisis()
	stopCheckpoints, err := startCheckpoints(ctx, app, handler)
	if err != nil {
		return err
	}
	stopCheckpoints = sync.OnceFunc(stopCheckpoints)
	defer stopCheckpoints()

	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	if addr := app.Config.Server.MetricsAddr; addr != "" {
		msrv, err := serveMetrics(addr, handler.MetricsHandler(), errc)
		if err != nil {
			return err
		}
		defer msrv.Close()
		log.Info("metrics listening", "addr", addr, "token", metricsToken != "")
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Stop accepting, let in-flight requests finish (each waits for its
	// commit), then Close drains the writer: nothing acknowledged is lost.
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), app.Config.Server.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("shutdown", "err", err)
	}
	stopFacebook()    // after the last delivery is stored, before the database closes
	stopCheckpoints() // signs the head at shutdown: after the last write
	stopBackground()  // before the database closes under it
	stopModels()
	if err := app.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	log.Info("stopped")
	return nil
}

// rememberRecent reloads the comments of the rules' history window, so a
// restart does not reset the flood and repeated-post counts: a copy-paste
// campaign must not get a fresh allowance at every deployment.
func (a *App) rememberRecent(ctx context.Context) error {
	window := a.Service.HistoryWindow()
	if window <= 0 {
		return nil
	}
	var after int64
	n := 0
	for {
		cs, err := a.DB.CommentsReceivedSince(ctx, time.Now().Add(-window), after, 5000)
		if err != nil {
			return fmt.Errorf("recent history: %w", err)
		}
		if len(cs) == 0 {
			break
		}
		for _, c := range cs {
			a.Service.Remember(c)
		}
		n += len(cs)
		after = cs[len(cs)-1].ID
	}
	if n > 0 {
		a.Log.Info("recent history loaded", "comments", n, "window", window)
	}
	return nil
}

// reloadOnHangup reloads the rules on SIGHUP. A broken file changes nothing:
// its errors are logged and the running ruleset stays.
func reloadOnHangup(ctx context.Context, app *App, hup <-chan os.Signal) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			if err := app.ReloadRules(); err != nil {
				app.Log.Error("rules reload refused; the running ruleset stays", "err", err)
			}
		}
	}
}

// ReloadRules re-reads the config file's rules section and puts the new
// ruleset in force atomically, with the stored models (model.go).
func (a *App) ReloadRules() error {
	cfg, err := LoadConfig(a.Config.path, a.getenv)
	if err != nil {
		return err
	}
	rs, err := a.rulesWithModels(context.Background(), cfg)
	if err != nil {
		return err
	}
	// Every page's rules compile before anything changes: a broken
	// override refuses the whole reload (pages.go).
	pages, pageRules, err := a.compilePages(context.Background(), cfg)
	if err != nil {
		return err
	}
	old := a.Service.Rules().Version()
	a.Service.SetRules(rs)
	a.Service.SetPages(pages, pageRules)
	a.Log.Info("rules reloaded", "from", old, "to", rs.Version())
	return nil
}

// candidateRules compiles the configured packs plus one more file: what an
// admin tries on the rules page before editing the configuration.
func (a *App) candidateRules(path string) (*rules.Ruleset, error) {
	s := a.Config.Rules
	s.Packs = append(append([]string(nil), s.Packs...), path)
	return rules.Load(s, rules.Options{Languages: a.Config.Languages, BaseDir: a.Config.dir})
}

// platformAdmin is the admin page of actions owed to the pages, when a
// page is configured.
func platformAdmin(app *App) api.PlatformAdmin {
	if !app.Config.Facebook.Enabled() {
		return nil
	}
	return app.DB
}

// serveMetrics serves /metrics alone on its own address (server.metrics_addr):
// a private interface the main listener's clients cannot reach.
func serveMetrics(addr string, h http.Handler, errc chan<- error) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen server.metrics_addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("metrics: %w", err)
		}
	}()
	return srv, nil
}
