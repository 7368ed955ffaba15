package storage

import (
	"testing"

	"vigie/storage/storagetest"
)

// postgresConfig gives the test a schema of its own, dropped when it ends,
// so tests (and packages) running at once never see each other's rows.
func postgresConfig(t testing.TB) Config {
	return Config{Driver: "postgres", DSN: storagetest.PostgresDSN(t), MaxOpenConns: 4}
}
