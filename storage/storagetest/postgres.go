// Package storagetest gives tests of any package a real PostgreSQL database
// of their own: the server this machine kind runs (127.0.0.1:5432, trust
// auth, database test), one fresh schema per test, dropped at the end.
package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// DefaultPostgresDSN is the test server of the development machine and CI;
// VIGIE_TEST_POSTGRES overrides it.
const DefaultPostgresDSN = "host=127.0.0.1 port=5432 user=postgres dbname=test sslmode=disable"

// PostgresDSN returns a DSN whose search_path is a new schema. Without a
// reachable server the test is skipped with a message, unless CI=true, where
// it fails: CI must never pass by skipping.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv("VIGIE_TEST_POSTGRES")
	if base == "" {
		base = DefaultPostgresDSN
	}
	admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		var s interface{ PingContext(context.Context) error }
		if s, err = admin.DB(); err == nil {
			err = s.PingContext(ctx)
		}
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL unreachable at %q (CI=true requires it): %v", base, err)
		}
		t.Skipf("PostgreSQL unreachable at %q, skipping (set VIGIE_TEST_POSTGRES to run): %v", base, err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "vigie_test_" + hex.EncodeToString(b)
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if err := admin.Exec("DROP SCHEMA " + schema + " CASCADE").Error; err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		if s, err := admin.DB(); err == nil {
			_ = s.Close()
		}
	})
	return base + " search_path=" + schema
}
