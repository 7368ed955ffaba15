package main

import (
	"context"
	"time"

	"github.com/gin-gonic/gin"

	"vigie/api/public"
	"vigie/moderation"
	"vigie/reports"
	"vigie/rules"
)

// policyOf turns the rules' categories into the published policy.
func policyOf(rs *rules.Ruleset) reports.Policy {
	var p reports.Policy
	for _, c := range rs.Categories() {
		p.Categories = append(p.Categories, reports.Category{
			ID: c.ID, Label: c.Label, Description: c.Description, DSACategory: c.DSACategory,
			Ground: c.Ground, LegalGround: c.LegalGround, Keywords: c.Keywords,
		})
	}
	return p
}

func (c *Config) location() *time.Location {
	loc, err := time.LoadLocation(c.Reports.TimeZone)
	if err != nil { // Validate has checked it
		return time.UTC
	}
	return loc
}

// publicRoutes mounts the public transparency pages over a report index
// that follows the event log.
func publicRoutes(app *App, ix *reports.Index) []func(gin.IRouter) {
	return []func(gin.IRouter){func(r gin.IRouter) {
		public.Register(r, public.Deps{
			Index: ix, Source: app.DB, Log: app.Log,
			Policy:   func() reports.Policy { return policyOf(app.Service.Rules()) },
			Settings: public.Settings{AuditRate: app.Config.Reports.AuditRate},
			// Published even without a key: checkpoints signed before stay checkable.
			Checkpoints: app.DB, CheckpointKey: app.checkpointKeyForPage(),
			Pages: app.publicPages, // pages.go
		})
	}}
}

// startBackground keeps the report index current (so a page never waits for
// a long catch-up, and other instances' events show up) and runs the daily
// purge when retention is set. The returned func stops both.
func startBackground(ctx context.Context, app *App, ix *reports.Index) func() {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{}, 2)
	go func() {
		defer func() { done <- struct{}{} }()
		tick := time.NewTicker(5 * time.Second)
		defer tick.Stop()
		for {
			start := time.Now()
			if err := ix.Sync(ctx, app.DB); err != nil && ctx.Err() == nil {
				app.Log.Error("report index sync", "err", err)
			} else if d := time.Since(start); d > time.Second {
				app.Log.Info("report index caught up", "last_seq", ix.Head().LastSeq, "took", d.Round(time.Millisecond))
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	go func() {
		defer func() { done <- struct{}{} }()
		age, _ := app.Config.Retention.Duration()
		if age <= 0 {
			return
		}
		for {
			n, err := app.DB.PurgeWith(ctx, time.Now().Add(-age), moderation.RetentionPurge(app.Config.Retention.PurgeAfter, ""))
			if err != nil && ctx.Err() == nil {
				app.Log.Error("retention purge", "err", err)
			} else if n > 0 {
				app.Log.Info("retention purge", "comments", n, "older_than", app.Config.Retention.PurgeAfter)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(24 * time.Hour):
			}
		}
	}()
	return func() {
		cancel()
		<-done
		<-done
	}
}
