package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"vigie/reports"
	"vigie/rules"
)

// Config is config.yaml. Loading goes: defaults → ${ENV} expansion of the
// file → strict decode (an unknown key is an error naming it) → VIGIE_*
// overrides → Validate, whose messages name the key at fault.
type Config struct {
	Server    ServerConfig    `yaml:"server"`
	Database  DatabaseConfig  `yaml:"database"`
	Intake    IntakeConfig    `yaml:"intake"`
	Languages []string        `yaml:"languages"`
	Log       LogConfig       `yaml:"log"`
	Rules     rules.Settings  `yaml:"rules"`
	Reports   ReportsConfig   `yaml:"reports"`
	Retention RetentionConfig `yaml:"retention"`
	Review    ReviewConfig    `yaml:"review"`
	Facebook  FacebookConfig  `yaml:"facebook"`
	// Checkpoints: signed chain heads kept outside the database.
	Checkpoints CheckpointsConfig `yaml:"checkpoints"`
	// Pages: audiences with their own sources, rules, moderators and
	// report (pages.go); none configured: one default page.
	Pages []PageConfig `yaml:"pages"`

	// path is the config file; dir its folder: relative paths resolve from it.
	path, dir string
	// adminPassword comes from VIGIE_ADMIN_PASSWORD only, never from the file.
	adminPassword string
	// envTokenShort: VIGIE_API_TOKEN is too short to be a token.
	envTokenShort bool
}

type ServerConfig struct {
	Addr            string        `yaml:"addr"`
	MaxBodyBytes    int64         `yaml:"max_body_bytes"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// MaxConnections caps open connections; more wait to be accepted.
	MaxConnections int `yaml:"max_connections"`
	// TrustedProxies may set X-Forwarded-For (config_limits.go).
	TrustedProxies []string     `yaml:"trusted_proxies"`
	Limits         LimitsConfig `yaml:"limits"`
	// MetricsAddr serves /metrics on its own address instead of Addr;
	// MetricsTokenFile (or VIGIE_METRICS_TOKEN) makes it ask for a Bearer
	// token (config_metrics.go).
	MetricsAddr      string `yaml:"metrics_addr"`
	MetricsTokenFile string `yaml:"metrics_token_file"`
}

type DatabaseConfig struct {
	Driver    string        `yaml:"driver"`
	DSN       string        `yaml:"dsn"`
	BatchMax  int           `yaml:"batch_max"`
	BatchWait time.Duration `yaml:"batch_wait"`
}

type IntakeConfig struct {
	MaxTextBytes int `yaml:"max_text_bytes"`
	// HistoryMax caps the recent comments the flood and repeated-post
	// rules remember in memory (about 160 bytes each).
	HistoryMax int `yaml:"history_max"`
	// APITokens are the accepted Bearer tokens, each as the SHA-256 digest
	// ("sha256:<hex>") of the token, with its scopes and sources
	// (tokens.go): the file never holds a usable secret. `vigie token`
	// makes one.
	APITokens []TokenConfig `yaml:"api_tokens"`
	// TokenFile may name a file (outside the repo) with one token per line
	// (then optional scopes=, sources=, name=); its tokens are hashed as
	// they are read and never logged.
	TokenFile string `yaml:"token_file"`
}

type LogConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

type ReportsConfig struct {
	TimeZone         string   `yaml:"timezone"`
	TerritorialScope []string `yaml:"territorial_scope"`
	Visibility       string   `yaml:"visibility"`
	AuditRate        float64  `yaml:"audit_rate"`
}

// ReviewConfig is the review queue's.
type ReviewConfig struct {
	// Lease is how long a claimed comment stays with its moderator
	// unless the open page renews it.
	Lease time.Duration `yaml:"lease"`
}

type RetentionConfig struct {
	// PurgeAfter erases comment text and author identity this long after
	// receipt ("180d", "4320h"); empty disables the daily purge.
	PurgeAfter string `yaml:"purge_after"`
}

// DefaultConfig is what an empty file means.
func DefaultConfig() Config {
	return Config{
		Server: ServerConfig{Addr: "127.0.0.1:8080", MaxBodyBytes: 1 << 20, ShutdownTimeout: 15 * time.Second,
			MaxConnections: DefaultMaxConnections, Limits: defaultLimits()},
		Database:  DatabaseConfig{Driver: "sqlite", DSN: "data/vigie.db", BatchMax: 128, BatchWait: 2 * time.Millisecond},
		Intake:    IntakeConfig{MaxTextBytes: 64 << 10, HistoryMax: 1_000_000},
		Languages: []string{"fr", "en"},
		Log:       LogConfig{Level: "info", Format: "text"},
		Rules:     rules.DefaultSettings(),
		Reports:   ReportsConfig{TimeZone: "UTC", TerritorialScope: []string{"FR"}, Visibility: "disabled", AuditRate: 0.02},
		Review:    ReviewConfig{Lease: 5 * time.Minute},
		Facebook:  FacebookConfig{InboxWorkers: 1, OutboxWorkers: 2},

		Checkpoints: CheckpointsConfig{Every: time.Hour},
	}
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// LoadConfig reads a config file. A missing file is an error: running on
// defaults by accident would hide a typo in --config.
func LoadConfig(path string, getenv func(string) string) (Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	cfg, err := parseConfig(raw, getenv, filepath.Dir(path))
	if err != nil {
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	cfg.path = path
	return cfg, nil
}

// ParseConfig decodes config bytes over the defaults and applies overrides;
// relative paths in it are taken from the working folder.
func ParseConfig(raw []byte, getenv func(string) string) (Config, error) {
	return parseConfig(raw, getenv, ".")
}

func parseConfig(raw []byte, getenv func(string) string, dir string) (Config, error) {
	expanded, err := expandEnv(string(raw), getenv)
	if err != nil {
		return Config{}, err
	}
	cfg := DefaultConfig()
	dec := yaml.NewDecoder(bytes.NewReader([]byte(expanded)))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, explainYAML([]byte(expanded), err)
	}
	cfg.dir = dir
	cfg.applyEnv(getenv)
	if err := cfg.applyFacebookEnv(getenv); err != nil {
		return Config{}, err
	}
	if err := cfg.loadFacebookSecrets(getenv); err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func (c *Config) applyEnv(getenv func(string) string) {
	if v := getenv("VIGIE_SERVER_ADDR"); v != "" {
		c.Server.Addr = v
	}
	if v := getenv("VIGIE_DATABASE_DRIVER"); v != "" {
		c.Database.Driver = v
	}
	if v := getenv("VIGIE_DATABASE_DSN"); v != "" {
		c.Database.DSN = v
	}
	if v := getenv("VIGIE_API_TOKEN"); v != "" {
		c.Intake.APITokens = append(c.Intake.APITokens, TokenConfig{Name: "VIGIE_API_TOKEN", Digest: HashToken(v), unscoped: true})
		c.envTokenShort = len(v) < minTokenLength
	}
	c.adminPassword = getenv("VIGIE_ADMIN_PASSWORD")
}

// HashToken is how API tokens are stored and compared.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "sha256:" + hex.EncodeToString(sum[:])
}

var tokenHash = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// Validate checks every setting and names the key at fault.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Server.Addr); err != nil {
		return fmt.Errorf("server.addr: %q is not host:port", c.Server.Addr)
	}
	if c.Server.MaxBodyBytes < 1<<20 {
		return fmt.Errorf("server.max_body_bytes: must be at least 1048576 (webhook deliveries exceed 300 kB), got %d", c.Server.MaxBodyBytes)
	}
	if c.Server.ShutdownTimeout <= 0 {
		return fmt.Errorf("server.shutdown_timeout: must be positive")
	}
	if err := c.Server.validateLimits(); err != nil {
		return err
	}
	if err := c.Server.validateMetrics(); err != nil {
		return err
	}
	// Training takes seconds to minutes of a core: not a loop to run hot.
	if r := time.Duration(c.Rules.Model.Retrain); r > 0 && r < time.Hour {
		return fmt.Errorf("rules.model.retrain: at least 1h (e.g. 168h), or 0s for off; got %s", r)
	}
	switch c.Database.Driver {
	case "sqlite", "postgres":
	default:
		return fmt.Errorf("database.driver: %q is not sqlite or postgres", c.Database.Driver)
	}
	if strings.TrimSpace(c.Database.DSN) == "" {
		return fmt.Errorf("database.dsn: required")
	}
	if c.Database.BatchMax < 1 || c.Database.BatchMax > 10000 {
		return fmt.Errorf("database.batch_max: must be between 1 and 10000, got %d", c.Database.BatchMax)
	}
	if c.Database.BatchWait < 0 || c.Database.BatchWait > time.Second {
		return fmt.Errorf("database.batch_wait: must be between 0 and 1s, got %s", c.Database.BatchWait)
	}
	if c.Intake.MaxTextBytes < 1 || c.Intake.MaxTextBytes > 512<<10 {
		return fmt.Errorf("intake.max_text_bytes: must be between 1 and 524288, got %d", c.Intake.MaxTextBytes)
	}
	if c.Intake.HistoryMax < 1000 || c.Intake.HistoryMax > 100_000_000 {
		return fmt.Errorf("intake.history_max: must be between 1000 and 100000000, got %d", c.Intake.HistoryMax)
	}
	if c.envTokenShort {
		return fmt.Errorf("VIGIE_API_TOKEN: shorter than %d characters (`vigie token` makes one)", minTokenLength)
	}
	for i, t := range c.Intake.APITokens {
		if err := validateToken(fmt.Sprintf("intake.api_tokens[%d]", i), t); err != nil {
			return err
		}
	}
	if len(c.Languages) == 0 {
		return fmt.Errorf("languages: at least one language is required")
	}
	for i, l := range c.Languages {
		if len(l) != 2 || strings.ToLower(l) != l {
			return fmt.Errorf("languages[%d]: %q is not a lowercase ISO 639-1 code", i, l)
		}
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log.level: %q is not debug, info, warn or error", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		return fmt.Errorf("log.format: %q is not text or json", c.Log.Format)
	}
	if _, err := time.LoadLocation(c.Reports.TimeZone); err != nil {
		return fmt.Errorf("reports.timezone: %v", err)
	}
	if c.Reports.Visibility != "disabled" && c.Reports.Visibility != "removed" {
		return fmt.Errorf("reports.visibility: %q is not disabled (hidden) or removed (deleted)", c.Reports.Visibility)
	}
	for i, code := range c.Reports.TerritorialScope {
		if !reports.IsTerritory(code) {
			return fmt.Errorf("reports.territorial_scope[%d]: %q is not an EU or EEA country code such as FR", i, code)
		}
	}
	if c.Review.Lease < time.Second || c.Review.Lease > 24*time.Hour {
		return fmt.Errorf("review.lease: must be between 1s and 24h, got %s", c.Review.Lease)
	}
	if err := c.validateFacebook(); err != nil {
		return err
	}
	if c.Reports.AuditRate < 0 || c.Reports.AuditRate > 1 {
		return fmt.Errorf("reports.audit_rate: must be between 0 and 1")
	}
	if _, err := c.Retention.Duration(); err != nil {
		return fmt.Errorf("retention.purge_after: %v", err)
	}
	if err := c.Checkpoints.validate(); err != nil {
		return err
	}
	if err := c.validatePages(); err != nil {
		return err
	}
	return nil
}

// Duration parses purge_after; zero means no automatic purge.
func (r RetentionConfig) Duration() (time.Duration, error) {
	return ParseAge(r.PurgeAfter)
}

// ParseAge reads "180d" as well as Go durations ("4320h"); "" is zero.
func ParseAge(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("%q is not a number of days", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration like 180d or 4320h", s)
	}
	return d, nil
}

// expandEnv replaces ${NAME} with the environment variable NAME, outside
// comments (a "#" at the start of a line or after a space, as YAML reads
// it), so documentation in the file never needs the variables it mentions.
// A reference to an unset variable is an error naming it.
func expandEnv(raw string, getenv func(string) string) (string, error) {
	var missing []string
	lines := strings.SplitAfter(raw, "\n")
	for i, line := range lines {
		code, comment := line, ""
		for j := 0; j < len(line); j++ {
			if line[j] == '#' && (j == 0 || line[j-1] == ' ' || line[j-1] == '\t') {
				code, comment = line[:j], line[j:]
				break
			}
		}
		lines[i] = envRef.ReplaceAllStringFunc(code, func(m string) string {
			name := envRef.FindStringSubmatch(m)[1]
			v := getenv(name)
			if v == "" {
				missing = append(missing, name)
			}
			return v
		}) + comment
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("environment variable(s) %s referenced but not set", strings.Join(missing, ", "))
	}
	return strings.Join(lines, ""), nil
}

// Path resolves a path from the config file's folder.
func (c *Config) Path(p string) string {
	if p == "" || filepath.IsAbs(p) || c.dir == "" {
		return p
	}
	return filepath.Join(c.dir, p)
}
