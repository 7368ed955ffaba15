// Command vigie is Vigie's one binary: the server and the command-line tools.
// This package only wires the other packages together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

// Env is the process's outside world, replaceable in tests.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// IsTerminal tells whether Stderr is a terminal (for progress bars).
	IsTerminal bool
}

func commands() []command {
	return []command{
		{"serve", "run the HTTP server (API, webhook, moderator UI, public report)", runServe},
		{"classify", "classify comments from stdin (JSON lines with \"text\" or plain lines), one verdict per line", runClassify},
		{"import", "import FILE.jsonl through the full pipeline", runImport},
		{"train", "train a text model (rule kind model) on labelled CSV: --data FILE.csv --out FILE [--cv 5], or --from-db on moderators' decisions", runTrain},
		{"calibrate", "choose a model rule's thresholds for a false-removal rate and a review load: --data FILE.csv", runCalibrate},
		{"eval", "measure the rules on a labelled CSV (text,label[,lang,category])", runEval},
		{"rules", "rules check [FILE]: validate a rules file or the configured rules", runRules},
		{"backtest", "replay stored comments through candidate rules: what would change", runBacktest},
		{"model", "model list|promote ID|retire ID: candidate models trained from the moderators' decisions", runModel},
		{"verify", "check the database against its hash-chained log, and the report counts (--checkpoints FILE: against signed checkpoints too)", runVerify},
		{"checkpoint", "checkpoint keygen: make the Ed25519 key that signs checkpoints of the chain head", runCheckpoint},
		{"report", "the transparency figures for a period (--from --to or --period; --format text|json|csv)", runReport},
		{"export", "export sor: statements of reasons for a period (--format ndjson|csv)", runExport},
		{"migrate", "apply pending schema steps and print the schema's history; --grant ROLE (PostgreSQL) for a server role that cannot alter the log", runMigrate},
		{"backup", "backup FILE: a consistent copy of the SQLite database while it runs (PostgreSQL: pg_dump)", runBackup},
		{"purge", "purge --older-than 180d: erase text and author of old comments (figures unchanged)", runPurge},
		{"user", "user add|passwd|disable|enable|role|list|token: moderator accounts", runUser},
		{"facebook", "facebook sync|fake-graph|replay: the Facebook Page connector's tools", runFacebook},
		{"pages", "list the pages (id, name, platform, sources, moderators) with their comment counts", runPages},
		{"crisis", "crisis start|stop --page P --reason \"…\": crisis mode on a page (stricter rules, review hidden), recorded in the chain; crisis status", runCrisis},
		{"token", "make an API token (scopes, sources) and print its config entry; token list shows them", runToken},
		{"help", "list the commands", nil},
	}
}

// exitCoder lets a command choose its exit status.
type exitCoder interface{ ExitCode() int }

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }
func (e *usageError) ExitCode() int { return 2 }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, IsTerminal: isTerminal(os.Stderr)}
	if len(os.Args) > 1 && os.Args[1] == "classify" {
		classifyGC() // classify.go
	}
	os.Exit(Run(ctx, env, os.Args[1:]))
}

// Run runs one command line and returns the exit status.
func Run(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(env.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] && c.run != nil {
			err := c.run(ctx, env, args[1:])
			if err == nil {
				return 0
			}
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			fmt.Fprintf(env.Stderr, "vigie %s: %v\n", c.name, err)
			var ec exitCoder
			if errors.As(err, &ec) {
				return ec.ExitCode()
			}
			return 1
		}
	}
	fmt.Fprintf(env.Stderr, "vigie: unknown command %q\n\n", args[0])
	printHelp(env.Stderr)
	return 2
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "Usage: vigie <command> [--config config.yaml] [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
}

// flags makes a flag set with the shared --config flag.
func flags(env *Env, name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("vigie "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfg := fs.String("config", "config.yaml", "configuration file")
	return fs, cfg
}

// parse parses flags, turning a flag mistake into a usage error.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{err.Error()}
	}
	return nil
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
