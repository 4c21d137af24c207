package main

// The standalone driver: teardown [flags] packages.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/analyzer"
	"github.com/teardownlint/teardown/passes/connflow"
)

// options are the standalone driver's flags.
type options struct {
	format     string // text, json, sarif
	out        string // -o
	fix, diff  bool
	context    int // -c; -1 for none
	tests      bool
	engine     string // auto, vet, load
	debug      string
	cpuprofile string
	memprofile string
	trace      string

	analyzers []*analysis.Analyzer // selected by the -NAME flags
	toolFlags []string             // the analyzer flags given, for the vet tool
	patterns  []string
}

// loadOnly returns the name of a flag given that only the load engine has
// (it inspects this process), or "".
func (o *options) loadOnly() string {
	for _, f := range []struct{ name, value string }{
		{"debug", o.debug}, {"cpuprofile", o.cpuprofile}, {"memprofile", o.memprofile}, {"trace", o.trace},
	} {
		if f.value != "" {
			return f.name
		}
	}
	return ""
}

var errUsage = errors.New("usage")

// usageError is a one-line usage error (exit 2).
func usageError(stderr io.Writer, format string, args ...any) error {
	fmt.Fprintf(stderr, "teardown: %s (run 'teardown help' for usage)\n", fmt.Sprintf(format, args...))
	return errUsage
}

// enableFlag is the -NAME flag of an analyzer: unset, true or false.
type enableFlag int

const (
	enableUnset enableFlag = iota
	enableTrue
	enableFalse
)

func (e *enableFlag) String() string {
	if e != nil && *e == enableFalse {
		return "false"
	}
	return "true"
}

func (e *enableFlag) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("want true or false")
	}
	*e = enableFalse
	if b {
		*e = enableTrue
	}
	return nil
}

func (e *enableFlag) IsBoolFlag() bool { return true }

// selectAnalyzers applies the -NAME flags as the multichecker does: if
// any is true, only those run; otherwise all but those set to false.
func selectAnalyzers(all []*analysis.Analyzer, enabled map[*analysis.Analyzer]*enableFlag) []*analysis.Analyzer {
	var hasTrue, hasFalse bool
	for _, e := range enabled {
		hasTrue = hasTrue || *e == enableTrue
		hasFalse = hasFalse || *e == enableFalse
	}
	if !hasTrue && !hasFalse {
		return all
	}
	var keep []*analysis.Analyzer
	for _, a := range all {
		if hasTrue && *enabled[a] == enableTrue || !hasTrue && *enabled[a] != enableFalse {
			keep = append(keep, a)
		}
	}
	return keep
}

// driverFlag is a flag of the driver itself, for the help text.
type driverFlag struct {
	name, arg, usage string
}

// driverFlags are the standalone driver's own flags, in the order of the
// help text.
var driverFlags = []driverFlag{
	{"format", "text|json|sarif", "output format (default text: file:line:col: message (rule) on stderr)"},
	{"json", "", "the same as -format=json"},
	{"o", "FILE", "write the -format=json or -format=sarif output to FILE instead of stdout"},
	{"fix", "", "apply the suggested fixes: in rounds, until no finding has a fix, never writing code that does not build"},
	{"diff", "", "with -fix: print the fixes as a unified diff instead of applying them"},
	{"c", "N", "print each finding's line with N lines of context"},
	{"engine", "auto|vet|load", "how the packages are analyzed: through go vet's cache (vet) or in this process (load); auto picks vet when Go >= 1.26.9 and the packages are built"},
	{"test", "", "load engine: load test packages too (the default unless -connflow.tests)"},
	{"debug", "LETTERS", "load engine: f logs facts, s checks that facts encode deterministically, p runs sequentially"},
	{"cpuprofile", "FILE", "load engine: write a CPU profile"},
	{"memprofile", "FILE", "load engine: write a memory profile"},
	{"trace", "FILE", "load engine: write an execution trace"},
}

// parseFlags parses the command line. It prints usage errors itself and
// returns errUsage for them.
func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{context: -1}
	fs := flag.NewFlagSet("teardown", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var jsonFlag bool
	fs.StringVar(&o.format, "format", "text", "")
	fs.BoolVar(&jsonFlag, "json", false, "")
	fs.StringVar(&o.out, "o", "", "")
	fs.BoolVar(&o.fix, "fix", false, "")
	fs.BoolVar(&o.diff, "diff", false, "")
	fs.IntVar(&o.context, "c", -1, "")
	fs.StringVar(&o.engine, "engine", "auto", "")
	fs.BoolVar(&o.tests, "test", false, "")
	fs.StringVar(&o.debug, "debug", "", "")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "")
	fs.StringVar(&o.memprofile, "memprofile", "", "")
	fs.StringVar(&o.trace, "trace", "", "")

	all := analyzer.Analyzers()
	enabled := map[*analysis.Analyzer]*enableFlag{}
	analyzerFlag := map[string]bool{}
	for _, a := range all {
		e := new(enableFlag)
		enabled[a] = e
		fs.Var(e, a.Name, "")
		analyzerFlag[a.Name] = true
		a.Flags.VisitAll(func(f *flag.Flag) {
			fs.Var(f.Value, a.Name+"."+f.Name, f.Usage)
			analyzerFlag[a.Name+"."+f.Name] = true
		})
	}
	if err := fs.Parse(args); err != nil {
		return nil, usageError(stderr, "%v", err)
	}
	o.patterns = fs.Args()
	for _, p := range o.patterns {
		if strings.HasPrefix(p, "-") {
			return nil, usageError(stderr, "flag %s after the package patterns: flags go first", p)
		}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) {
		set[f.Name] = true
		if analyzerFlag[f.Name] {
			o.toolFlags = append(o.toolFlags, "-"+f.Name+"="+f.Value.String())
		}
	})
	o.analyzers = selectAnalyzers(all, enabled)

	switch {
	case jsonFlag && set["format"] && o.format != "json":
		return nil, usageError(stderr, "-json and -format=%s: choose one", o.format)
	case jsonFlag:
		o.format = "json"
	}
	switch o.format {
	case "text", "json", "sarif":
	default:
		return nil, usageError(stderr, "-format=%s: the formats are text, json and sarif", o.format)
	}
	switch o.engine {
	case "auto", "vet", "load":
	default:
		return nil, usageError(stderr, "-engine=%s: the engines are auto, vet and load", o.engine)
	}
	switch {
	case o.diff && !o.fix:
		return nil, usageError(stderr, "-diff requires -fix")
	case o.fix && o.format != "text":
		return nil, usageError(stderr, "-fix cannot be used with -format=%s: it prints text (and, with -diff, the diff)", o.format)
	case set["c"] && o.format != "text":
		return nil, usageError(stderr, "-c cannot be used with -format=%s: it adds context to text output", o.format)
	case o.out != "" && o.format == "text":
		return nil, usageError(stderr, "-o is for -format=json or -format=sarif (text goes to stderr)")
	case o.engine == "vet" && o.loadOnly() != "":
		return nil, usageError(stderr, "-%s needs -engine=load (it profiles or debugs this process)", o.loadOnly())
	case o.engine == "vet" && set["test"]:
		return nil, usageError(stderr, "-test needs -engine=load (go vet always loads test files; -connflow.tests analyzes them)")
	}
	if len(o.patterns) == 0 {
		fmt.Fprintln(stderr, "teardown: no packages to analyze (usage: teardown [flags] packages; run 'teardown help')")
		return nil, errUsage
	}
	if !set["test"] {
		o.tests = connflowTests() // -connflow.tests loads the test files it analyzes
	}
	return o, nil
}

// standalone runs the driver and returns its exit code.
func standalone(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ps := newPaths()

	if msg := validateHelper(ctx, helperFlag()); msg != "" {
		usageError(stderr, "%s", msg)
		return 2
	}
	env, err := readGoEnv(ctx)
	if err == nil {
		err = checkModule(env, o.patterns)
	}
	if err != nil {
		fmt.Fprintf(stderr, "teardown: %v\n", err)
		return 1
	}
	cache, key := openResultCache(), runKey{}
	if cache != nil && cacheable(o) {
		if err := cache.usable(); err != nil {
			fmt.Fprintf(stderr, "teardown: the result cache is off for this run: %v (set TEARDOWN_CACHE to a directory, or to off)\n", err)
			cache = nil
		} else {
			key, _ = cache.key(ctx, env, args, o.patterns, o.tests)
		}
	}
	if key.sum != "" {
		if out, ok := cache.get(key.sum); ok {
			return report(o, out, ps, stdout, stderr)
		}
	}
	eng, err := chooseEngine(o, env, key.vetted)
	if err != nil {
		fmt.Fprintf(stderr, "teardown: %v\n", err)
		return 1
	}
	if stop, err := startProfiles(o); err != nil {
		fmt.Fprintf(stderr, "teardown: %v\n", err)
		return 1
	} else {
		defer stop()
	}

	urls := map[string]string{}
	for _, a := range analyzer.Analyzers() {
		urls[a.Name] = a.URL
	}
	req := &request{
		patterns:  o.patterns,
		toolFlags: o.toolFlags,
		analyzers: o.analyzers,
		tests:     o.tests,
		debug:     o.debug,
		stderr:    stderr,
		urls:      urls,
	}
	out, err := analyzeFiltered(ctx, eng, req)
	if err != nil {
		fmt.Fprintf(stderr, "teardown: %v\n", err)
		return 1
	}
	printErrors := func(errs []problem) {
		for _, p := range errs {
			fmt.Fprintln(stderr, p.render(ps))
		}
	}

	if o.fix {
		if len(out.errors) > 0 {
			printErrors(out.errors)
			fmt.Fprintln(stderr, "teardown: nothing fixed: the packages have errors")
			return 1
		}
		res, err := runFix(ctx, filteredEngine{eng}, req, out, noFixFunc(ctx))
		if err != nil {
			fmt.Fprintf(stderr, "teardown: %v\n", err)
			return 1
		}
		if o.diff {
			res.printDiff(stdout, ps)
		} else if err := res.write(); err != nil {
			fmt.Fprintf(stderr, "teardown: writing the fixes: %v\n", err)
			return 1
		}
		printText(stderr, res.final.findings, ps, o.context)
		printErrors(res.failure)
		fmt.Fprintln(stderr, res.summary(o.diff))
		switch {
		case res.failure != nil:
			return 1
		case countFindings(res.final.findings) > 0 || o.diff && res.applied > 0:
			return 3
		}
		return 0
	}

	if key.sum != "" && len(out.errors) == 0 && ctx.Err() == nil {
		cache.put(key.sum, out)
		if eng.name() == "vet" {
			cache.noteVetted(key)
		}
	}
	return report(o, out, ps, stdout, stderr)
}

// report prints an outcome in the format asked for and returns the exit
// code.
func report(o *options, out *outcome, ps paths, stdout, stderr io.Writer) int {
	for _, p := range out.errors {
		fmt.Fprintln(stderr, p.render(ps))
	}
	switch o.format {
	case "json":
		if err := writeOutput(stdout, o.out, func(w io.Writer) error { return printJSON(w, out.findings, out.errors) }); err != nil {
			fmt.Fprintf(stderr, "teardown: writing JSON: %v\n", err)
			return 1
		}
		if len(out.errors) > 0 {
			return 1
		}
		return 0
	case "sarif":
		cwd, _ := os.Getwd()
		var errs []string
		for _, p := range out.errors {
			errs = append(errs, p.render(ps))
		}
		log := buildSARIF(analyzer.Analyzers(), out.findings, newSARIFPaths(cwd), errs)
		if err := writeOutput(stdout, o.out, log.Write); err != nil {
			fmt.Fprintf(stderr, "teardown: writing SARIF: %v\n", err)
			return 1
		}
	default:
		printText(stderr, out.findings, ps, o.context)
	}
	switch {
	case len(out.errors) > 0:
		return 1
	case countFindings(out.findings) > 0:
		return 3
	}
	return 0
}

// analyzeFiltered runs the engine and makes its findings what every
// output shows: directives findings in _test.go files only when test
// files are analyzed (-connflow.tests; go vet always loads them, and a
// directive there would otherwise be stale for want of analysis), sorted
// by position, without repeats.
func analyzeFiltered(ctx context.Context, eng engine, r *request) (*outcome, error) {
	out, err := eng.analyze(ctx, r)
	if err != nil {
		return nil, err
	}
	if !connflowTests() {
		out.findings = slices.DeleteFunc(out.findings, func(f finding) bool {
			return f.analyzer == "directives" && connflow.IsTestFile(f.pos.file)
		})
	}
	out.findings = sortFindings(out.findings)
	return out, nil
}

// filteredEngine is an engine whose outcomes analyzeFiltered filtered.
type filteredEngine struct{ engine }

func (e filteredEngine) analyze(ctx context.Context, r *request) (*outcome, error) {
	return analyzeFiltered(ctx, e.engine, r)
}

// countFindings counts the findings that are not notes.
func countFindings(fs []finding) int {
	n := 0
	for i := range fs {
		if !fs[i].note() {
			n++
		}
	}
	return n
}

// writeOutput writes to the file named by -o, or to stdout.
func writeOutput(stdout io.Writer, name string, write func(io.Writer) error) error {
	if name == "" {
		return write(stdout)
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// chooseEngine picks the engine: -engine=load or a load-only flag gives
// the load engine; otherwise the vet engine, unless the go command's vet
// cache has the defect of go1.26.0-1.26.8 and go1.27.0-1.27.1 (then load;
// an error for -engine=vet). For -engine=auto, an empty build cache
// gives the load engine (go vet would compile everything first, and load
// is many times faster); a command line that went through go vet before
// (vetted, from the result cache's manifest) gives the vet engine, since
// the build cache served it then; otherwise the vet engine is the autoEngine,
// which switches to load if the build cache turns out to lack the
// standard library for this configuration.
func chooseEngine(o *options, env *goEnvironment, vetted bool) (engine, error) {
	if o.engine == "load" || o.engine == "auto" && o.loadOnly() != "" {
		return &loadEngine{}, nil
	}
	if env.gocmd == "" {
		if o.engine == "vet" {
			return nil, fmt.Errorf("-engine=vet: %v", &exec.Error{Name: "go", Err: exec.ErrNotFound})
		}
		return &loadEngine{}, nil
	}
	gocmd, v, gocache := env.gocmd, env.vars["GOVERSION"], env.vars["GOCACHE"]
	if err := checkToolchain(v, runtime.Version()); err != nil {
		return nil, err
	}
	if !vetCacheFixed(v) {
		if o.engine == "vet" {
			return nil, fmt.Errorf("-engine=vet: the go vet of %s can replay stale results from its cache (fixed in go1.26.9 and go1.27.2); use a newer Go, or -engine=load", v)
		}
		return &loadEngine{}, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	vet := &vetEngine{gocmd: gocmd, exe: exe}
	if o.engine == "auto" {
		switch {
		case buildCacheEmpty(gocache):
			return &loadEngine{}, nil // nothing built: go vet would compile everything first
		case vetted:
			return vet, nil // a run with this command line went through go vet: it had what go vet needs
		}
		return &autoEngine{vet: vet, load: &loadEngine{}}, nil
	}
	return vet, nil
}

// checkToolchain reports an error if the go command is of a newer Go
// release than the one teardown was built with: teardown type-checks the
// standard library of that go command, and an older go/types rejects a
// newer standard library (docs/usage.md).
func checkToolchain(goVersion, built string) error {
	minor := func(v string) int {
		v = strings.TrimPrefix(v, "devel ")
		rest, ok := strings.CutPrefix(v, "go1.")
		if !ok {
			return -1
		}
		end := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
		if end >= 0 {
			rest = rest[:end]
		}
		n, err := strconv.Atoi(rest)
		if err != nil {
			return -1
		}
		return n
	}
	g, b := minor(goVersion), minor(built)
	if g < 0 || b < 0 || g <= b {
		return nil
	}
	return fmt.Errorf("teardown was built with %s, the go command is %s: its standard library is newer than teardown can type-check; rebuild teardown with %s (go install, or go build in this toolchain)", built, goVersion, goVersion)
}

// noFixFunc returns which files -fix leaves alone: those of the Go
// installation and of the module cache (go vet -fix skips them too), and
// generated files.
func noFixFunc(ctx context.Context) func(string) bool {
	var roots []string
	if gocmd, err := exec.LookPath("go"); err == nil {
		if out, err := goOutput(ctx, gocmd, "env", "GOROOT", "GOMODCACHE"); err == nil {
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				if l = strings.TrimSpace(l); l != "" {
					roots = append(roots, l+string(filepath.Separator))
				}
			}
		}
	}
	generated := map[string]bool{}
	return func(name string) bool {
		for _, r := range roots {
			if strings.HasPrefix(name, r) {
				return true
			}
		}
		g, ok := generated[name]
		if !ok {
			if b, err := os.ReadFile(name); err == nil {
				g = generatedFile(name, b)
			}
			generated[name] = g
		}
		return g
	}
}

// startProfiles starts the -cpuprofile and -trace profiles; the function
// it returns stops them and writes -memprofile.
func startProfiles(o *options) (func(), error) {
	var stops []func()
	stop := func() {
		for _, s := range slices.Backward(stops) {
			s()
		}
	}
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
	}
	if o.trace != "" {
		f, err := os.Create(o.trace)
		if err != nil {
			stop()
			return nil, err
		}
		if err := trace.Start(f); err != nil {
			stop()
			return nil, err
		}
		stops = append(stops, func() { trace.Stop(); f.Close() })
	}
	if o.memprofile != "" {
		stops = append(stops, func() {
			if f, err := os.Create(o.memprofile); err == nil {
				runtime.GC()
				pprof.WriteHeapProfile(f)
				f.Close()
			}
		})
	}
	return stop, nil
}

// -- output --

// printText prints findings as go vet does, one per line:
// file:line:col: message (rule), with notes as file:line:col: note:
// message (connflow), and with -c=N the lines around each.
func printText(w io.Writer, fs []finding, ps paths, context int) {
	for _, f := range fs {
		note := ""
		if f.note() {
			note = "note: "
		}
		fmt.Fprintf(w, "%s: %s%s (%s)\n", ps.relPos(f.pos), note, f.message, f.analyzer)
		if context >= 0 {
			printContext(w, f.pos, f.end, context)
		}
		for _, r := range f.related {
			fmt.Fprintf(w, "%s: \t%s\n", ps.relPos(r.pos), r.message)
		}
	}
}

// printContext prints lines pos.line-n to end.line+n of the file.
func printContext(w io.Writer, pos, end position, n int) {
	data, err := os.ReadFile(pos.file)
	if err != nil {
		return
	}
	lines := strings.Split(string(data), "\n")
	last := pos.line
	if end.file == pos.file && end.line > last {
		last = end.line
	}
	for i := pos.line - n; i <= last+n; i++ {
		if 1 <= i && i <= len(lines) {
			fmt.Fprintf(w, "%d\t%s\n", i, lines[i-1])
		}
	}
}

// jsonFinding is a finding in -json output: the schema of go vet -json
// (absolute paths, fix edits as byte offsets), with the rule's
// documentation URL.
type jsonFinding struct {
	Category       string    `json:"category,omitempty"`
	Posn           string    `json:"posn"`
	End            string    `json:"end"`
	Message        string    `json:"message"`
	URL            string    `json:"url,omitempty"`
	SuggestedFixes []jsonFix `json:"suggested_fixes,omitempty"`
	Related        []jsonRel `json:"related,omitempty"`
}

type jsonFix struct {
	Message string     `json:"message"`
	Edits   []jsonEdit `json:"edits"`
}

type jsonEdit struct {
	Filename string `json:"filename"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	New      string `json:"new"`
}

type jsonRel struct {
	Posn    string `json:"posn"`
	End     string `json:"end"`
	Message string `json:"message"`
}

// printJSON prints one JSON object: package path -> analyzer ->
// findings (in position order), or {"error": message} for an analyzer
// that failed on the package.
func printJSON(w io.Writer, fs []finding, errs []problem) error {
	tree := map[string]map[string]any{}
	for _, p := range errs {
		if p.analyzer != "" {
			if tree[p.pkg] == nil {
				tree[p.pkg] = map[string]any{}
			}
			tree[p.pkg][p.analyzer] = map[string]string{"error": p.err}
		}
	}
	for _, f := range fs {
		jf := jsonFinding{
			Category: f.category,
			Posn:     f.pos.String(),
			End:      f.end.String(),
			Message:  f.message,
			URL:      f.url,
		}
		for _, fx := range f.fixes {
			jx := jsonFix{Message: fx.message, Edits: []jsonEdit{}}
			for _, e := range fx.edits {
				jx.Edits = append(jx.Edits, jsonEdit{e.file, e.start, e.end, e.text})
			}
			jf.SuggestedFixes = append(jf.SuggestedFixes, jx)
		}
		for _, r := range f.related {
			jf.Related = append(jf.Related, jsonRel{r.pos.String(), r.end.String(), r.message})
		}
		if tree[f.pkg] == nil {
			tree[f.pkg] = map[string]any{}
		}
		list, _ := tree[f.pkg][f.analyzer].([]jsonFinding)
		tree[f.pkg][f.analyzer] = append(list, jf)
	}
	data, err := json.MarshalIndent(tree, "", "\t")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
}

// connflowTests reports whether -connflow.tests is on for the default
// suite (the analyzers this driver runs): its flag is bound to that
// connflow analyzer's own configuration.
func connflowTests() bool {
	f := connflow.Analyzer.Flags.Lookup("tests")
	return f != nil && f.Value.String() == "true"
}

// checkModule returns the go command's error for a directory pattern
// (./..., ., ../x) outside a module: go list says "directory prefix .
// does not contain main module" of ./..., which does not say what is
// missing. Import paths (net/...) are analyzed outside a module too.
func checkModule(env *goEnvironment, patterns []string) error {
	dirPattern := false
	for _, p := range patterns {
		dirPattern = dirPattern || p == "." || p == ".." || strings.HasPrefix(p, "./") ||
			strings.HasPrefix(p, "../") || filepath.IsAbs(p)
	}
	if !dirPattern || env.gocmd == "" {
		return nil // without a go command, the engine says so
	}
	gomod, gowork := env.vars["GOMOD"], env.vars["GOWORK"]
	if gomod == os.DevNull && (gowork == "" || gowork == "off") {
		return errors.New("go.mod file not found in current directory or any parent directory; see 'go help modules'")
	}
	return nil
}
