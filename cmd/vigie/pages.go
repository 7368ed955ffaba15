package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"vigie/moderation"
	"vigie/reports"
	"vigie/rules"
)

// PageConfig is one entry of `pages:`: an audience with its own sources,
// rules, moderators and report (moderation/pages.go).
//
//   - id: interieur                 # a slug: [a-z0-9-]
//     name: Ministère de l'Intérieur
//     platform: facebook            # facebook, api, web or other
//     sources: ["facebook:123456"]
//     rules: {thresholds: {refuse: 3}, disable: [caps], packs: [...]}
//     moderators: [alice]
//     crisis: {rules: {thresholds: {review: 0.5}}, hide_pending: true}
type PageConfig struct {
	ID         string                   `yaml:"id"`
	Name       string                   `yaml:"name"`
	Platform   string                   `yaml:"platform"`
	Sources    []string                 `yaml:"sources"`
	Rules      moderation.RuleOverrides `yaml:"rules"`
	Moderators []string                 `yaml:"moderators"`
	Crisis     moderation.CrisisProfile `yaml:"crisis"`
}

// defaultPageName names the page of every source no page lists, unless a
// `pages:` entry with id "default" names it.
const defaultPageName = "Default"

// pages resolves the configured pages, plus one implicit page per
// Facebook page that no entry lists ("fb-<id>", under its name): a
// Facebook page is an audience of its own whether or not it was declared.
func (c *Config) pages() (*moderation.Pages, error) {
	list := make([]moderation.Page, 0, len(c.Pages)+len(c.Facebook.Pages))
	listed := map[string]bool{}
	for _, pc := range c.Pages {
		for _, s := range pc.Sources {
			listed[s] = true
		}
		list = append(list, moderation.Page{ID: pc.ID, Name: pc.Name, Platform: pc.Platform, Sources: pc.Sources,
			Moderators: pc.Moderators, Rules: pc.Rules, Crisis: pc.Crisis})
	}
	for _, fb := range c.Facebook.Pages {
		if listed[fb.Source()] {
			continue
		}
		list = append(list, moderation.Page{ID: "fb-" + fb.ID, Name: fb.Name, Platform: "facebook", Sources: []string{fb.Source()}})
	}
	p, err := moderation.NewPages(list, defaultPageName)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// validatePages checks the pages section: ids, platforms, sources (each on
// one page at most), moderators' names. The rules overrides are compiled
// with the rules (compilePages), where a broken one is refused.
func (c *Config) validatePages() error {
	for i, pc := range c.Pages {
		for j, m := range pc.Moderators {
			if strings.TrimSpace(m) == "" || strings.TrimSpace(m) != m {
				return fmt.Errorf("pages[%d].moderators[%d]: %q is not an account name", i, j, m)
			}
		}
		if strings.ContainsAny(pc.Name, "\x00\r\n") {
			return fmt.Errorf("pages[%d].name: one line of text", i)
		}
	}
	if _, err := c.pages(); err != nil {
		return err
	}
	for i, t := range c.Intake.APITokens {
		if _, err := c.pageSources(fmt.Sprintf("intake.api_tokens[%d]", i), t.Sources); err != nil {
			return err
		}
	}
	return nil
}

// compilePages compiles the rules of every page that overrides the base
// settings, its crisis profile's too, with the stored models where the
// page keeps the base packs (a model swap names a rule of those packs).
func (a *App) compilePages(ctx context.Context, cfg Config) (*moderation.Pages, map[string]moderation.PageRules, error) {
	pages, err := cfg.pages()
	if err != nil {
		return nil, nil, err
	}
	out := map[string]moderation.PageRules{}
	for _, pg := range pages.List() {
		var pr moderation.PageRules
		if !pg.Rules.Empty() {
			if pr.Normal, err = a.pageRuleset(ctx, cfg, pg.Rules.Apply(cfg.Rules)); err != nil {
				return nil, nil, fmt.Errorf("pages %s: rules: %w", pg.ID, err)
			}
		}
		// Every page has crisis rules: its crisis profile over its own
		// settings, or the default stricter profile (moderation/crisis.go).
		if pr.Crisis, err = a.pageRuleset(ctx, cfg, pg.CrisisSettings(cfg.Rules)); err != nil {
			return nil, nil, fmt.Errorf("pages %s: crisis.rules: %w", pg.ID, err)
		}
		out[pg.ID] = pr
	}
	return pages, out, nil
}

func (a *App) pageRuleset(ctx context.Context, cfg Config, s rules.Settings) (*rules.Ruleset, error) {
	opts := rules.Options{Languages: cfg.Languages, BaseDir: cfg.dir}
	if !slices.Equal(s.Packs, cfg.Rules.Packs) {
		return rules.Load(s, opts)
	}
	pc := cfg
	pc.Rules = s
	return a.rulesWithModels(ctx, pc)
}

// applyPages puts the configured pages and their rules in force.
func (a *App) applyPages(ctx context.Context, cfg Config) error {
	pages, rs, err := a.compilePages(ctx, cfg)
	if err != nil {
		return err
	}
	a.Service.SetPages(pages, rs)
	return nil
}

// pageSources expands the `page:<id>` entries of the tokens' sources into
// the page's sources, so a token can be limited to one page's comments.
func (c *Config) pageSources(key string, sources []string) ([]string, error) {
	if !slices.ContainsFunc(sources, func(s string) bool { return strings.HasPrefix(s, "page:") }) {
		return sources, nil
	}
	pages, err := c.pages()
	if err != nil {
		return nil, err
	}
	var out []string
	for j, s := range sources {
		id, ok := strings.CutPrefix(s, "page:")
		if !ok {
			out = append(out, s)
			continue
		}
		pg, found := pages.Get(id)
		switch {
		case !found:
			return nil, fmt.Errorf("%s.sources[%d]: no page %q in pages", key, j, id)
		case id == moderation.DefaultPageID:
			return nil, fmt.Errorf("%s.sources[%d]: the default page has no sources of its own to name; list them", key, j)
		}
		out = append(out, pg.Sources...)
	}
	return out, nil
}

// runPages lists the pages with their counts.
func runPages(ctx context.Context, env *Env, args []string) error {
	fs, cfgPath := flags(env, "pages")
	app, err := openCommand(ctx, env, fs, cfgPath, args)
	if err != nil {
		return err
	}
	defer app.Close()
	if fs.NArg() != 0 {
		return &usageError{"usage: vigie pages [--config config.yaml]"}
	}
	pages := app.Service.Pages()
	bySource, err := app.DB.SourceCounts(ctx)
	if err != nil {
		return err
	}
	counts := map[string]map[moderation.Status]int64{}
	for src, st := range bySource {
		id := pages.IDOf(src)
		if counts[id] == nil {
			counts[id] = map[moderation.Status]int64{}
		}
		for s, n := range st {
			counts[id][s] += n
		}
	}
	writePages(env.Stdout, pages.List(), counts)
	return nil
}

func writePages(w io.Writer, list []moderation.Page, counts map[string]map[moderation.Status]int64) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tname\tplatform\treceived\tpublished\trefused\tpending\tsources\tmoderators")
	for _, pg := range list {
		c := counts[pg.ID]
		var received int64
		for _, n := range c {
			received += n
		}
		sources := strings.Join(pg.Sources, ",")
		if pg.ID == moderation.DefaultPageID {
			sources = "(every other source)"
		}
		mods := strings.Join(pg.Moderators, ",")
		if mods == "" {
			mods = "(moderators on no page)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\n", pg.ID, reports.Printable(pg.Name), pg.Platform, received,
			c[moderation.StatusPublished], c[moderation.StatusRefused], c[moderation.StatusPending], sources, mods)
	}
	tw.Flush()
}

// reportOptions are the report index's: the configured time zone, and the
// page of each comment from its source, as the pages in force say.
func (a *App) reportOptions() reports.Options {
	return reports.Options{Location: a.Config.location(), PageOf: func(src string) string { return a.Service.Pages().IDOf(src) }}
}

// publicPages lists the pages whose reports the public page links: none
// when no page is configured (the one report is everything).
func (a *App) publicPages() []reports.PageInfo {
	pages := a.Service.Pages()
	if !pages.Configured() {
		return nil
	}
	var out []reports.PageInfo
	for _, pg := range pages.List() {
		out = append(out, reports.PageInfo{ID: pg.ID, Name: pg.Name})
	}
	return out
}
