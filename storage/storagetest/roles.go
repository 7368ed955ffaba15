package storagetest

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// PostgresRoles makes two login roles and a schema owned by the first, as a
// deployment that separates them would: the owner runs the migrations, the
// server runs as the second role. It returns the two DSNs (search_path set
// to the schema) and the server role's name; everything is dropped when the
// test ends. Skips or fails like PostgresDSN when the server is absent.
func PostgresRoles(t testing.TB) (ownerDSN, serverDSN, serverRole string) {
	t.Helper()
	base := strings.TrimSpace(PostgresDSN(t)) // skips without a server
	base = base[:strings.LastIndex(base, " search_path=")]
	admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	suffix := hex.EncodeToString(b)
	owner, server, schema := "vigie_owner_"+suffix, "vigie_server_"+suffix, "vigie_roles_"+suffix
	for _, s := range []string{
		"CREATE ROLE " + owner + " LOGIN",
		"CREATE ROLE " + server + " LOGIN",
		"CREATE SCHEMA " + schema + " AUTHORIZATION " + owner,
	} {
		if err := admin.Exec(s).Error; err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	t.Cleanup(func() {
		for _, s := range []string{
			"DROP SCHEMA " + schema + " CASCADE",
			"DROP OWNED BY " + server,
			"DROP ROLE " + server,
			"DROP OWNED BY " + owner,
			"DROP ROLE " + owner,
		} {
			if err := admin.Exec(s).Error; err != nil {
				t.Errorf("%s: %v", s, err)
			}
		}
		if s, err := admin.DB(); err == nil {
			_ = s.Close()
		}
	})
	user := func(dsn, role string) string {
		fields := strings.Fields(dsn)
		for i, f := range fields {
			if strings.HasPrefix(f, "user=") {
				fields[i] = "user=" + role
			}
		}
		return strings.Join(fields, " ") + " search_path=" + schema
	}
	return user(base, owner), user(base, server), server
}
