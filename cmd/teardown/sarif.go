// SARIF output: teardown -format=sarif [-o FILE] [-test] [-RULE]
// [-RULE.FLAG=...] packages analyzes the packages like the text mode and
// writes one SARIF 2.1.0 log (to stdout, or to FILE with -o), for GitHub
// code scanning and reviewdog. The log has one rule per analyzer, with
// its documentation URL and default level (error or warning from the
// rule's severity, note for the directives and connflow analyzers), and
// one result per finding: the path relative to the current directory
// (uriBaseId %SRCROOT%), line and UTF-8 byte columns, a
// primaryLocationLineHash fingerprint, and the suggested fix as
// line/column replacements. As in the text mode, test files are loaded
// only with -test or -connflow.tests. Package and analysis errors go to
// stderr, one line each. Exit codes: 0 no findings; 1 analysis failed (the log
// is still written); 2 usage error; 3 findings reported.

package main

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"go/token"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/teardownlint/teardown/analyzer"
	"github.com/teardownlint/teardown/internal/lint"
)

const (
	sarifInformationURI = "https://github.com/teardownlint/teardown"
	sarifSrcRoot        = "%SRCROOT%"
)

// wantsSARIF reports whether the command line asks for SARIF output:
// -format=sarif, --format=sarif or -format sarif, before any "--".
func wantsSARIF(args []string) bool {
	for i, a := range args {
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "format" {
			continue
		}
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		if value == "sarif" {
			return true
		}
	}
	return false
}

// runSARIF is the standalone driver with SARIF output. It returns the
// exit code.
func runSARIF(args []string, stdout, stderr io.Writer) int {
	analyzers := analyzer.Analyzers()
	fs := flag.NewFlagSet("teardown", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	format := fs.String("format", "sarif", "output format: sarif")
	tests := fs.Bool("test", false, "also load test files (default: as -connflow.tests, which decides whether they are analyzed and reported)")
	out := fs.String("o", "", "write the SARIF log to this file instead of stdout")
	enabled := map[*analysis.Analyzer]*sarifEnable{}
	for _, a := range analyzers {
		e := new(sarifEnable)
		enabled[a] = e
		fs.Var(e, a.Name, fmt.Sprintf("enable %q analysis", a.Name))
		a.Flags.VisitAll(func(f *flag.Flag) {
			fs.Var(f.Value, a.Name+"."+f.Name, f.Usage)
		})
	}
	usageErr := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "teardown: %s (run 'teardown help' for usage)\n", fmt.Sprintf(format, args...))
		return 2
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, "usage: teardown -format=sarif [-o FILE] [-test] [-RULE[=false]] [-RULE.FLAG=value] packages")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return 0
		}
		return usageErr("%v", err)
	}
	if *format != "sarif" {
		return usageErr("unsupported -format=%s: the only format is sarif", *format)
	}
	patterns := fs.Args()
	if len(patterns) == 0 {
		fmt.Fprintln(stderr, "teardown: no packages to analyze (usage: teardown [flags] packages; run 'teardown help')")
		return 2
	}
	for _, p := range patterns {
		if strings.HasPrefix(p, "-") {
			return usageErr("flag %s after the package patterns: flags go first", p)
		}
	}
	selected := selectSARIFAnalyzers(analyzers, enabled)
	if !flagSet(fs, "test") {
		// Like the text mode: test files are loaded only if connflow
		// is to analyze them.
		if f := fs.Lookup("connflow.tests"); f != nil {
			if g, ok := f.Value.(flag.Getter); ok {
				*tests, _ = g.Get().(bool)
			}
		}
	}

	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
			packages.NeedImports | packages.NeedDeps | packages.NeedTypes | packages.NeedTypesSizes |
			packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedModule,
		Tests: *tests,
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err == nil && len(pkgs) == 0 {
		err = fmt.Errorf("%s matched no packages", strings.Join(patterns, " "))
	}
	if err != nil {
		fmt.Fprintf(stderr, "teardown: %v\n", err)
		return 1
	}
	var errs sarifErrors
	errs.packageErrors(pkgs)
	graph, err := checker.Analyze(selected, pkgs, &checker.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "teardown: %v\n", err)
		return 1
	}
	errs.actionErrors(graph)
	errs.print(stderr)

	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "teardown: %v\n", err)
		return 1
	}
	report, nresults := buildSARIF(analyzers, collectSARIFFindings(graph), newSARIFPaths(cwd), errs.lines)
	var buf bytes.Buffer
	if err := report.PrettyWrite(&buf); err != nil {
		fmt.Fprintf(stderr, "teardown: writing SARIF: %v\n", err)
		return 1
	}
	buf.WriteByte('\n')
	if *out == "" {
		_, err = stdout.Write(buf.Bytes())
	} else {
		err = os.WriteFile(*out, buf.Bytes(), 0o666)
	}
	if err != nil {
		fmt.Fprintf(stderr, "teardown: writing SARIF: %v\n", err)
		return 1
	}
	switch {
	case len(errs.lines) > 0:
		return 1
	case nresults > 0:
		return 3
	}
	return 0
}

// flagSet reports whether the command line set the flag.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// sarifEnable is the multichecker's -NAME flag: unset, true or false.
type sarifEnable int

const (
	sarifEnableUnset sarifEnable = iota
	sarifEnableTrue
	sarifEnableFalse
)

func (e *sarifEnable) String() string {
	if e != nil && *e == sarifEnableFalse {
		return "false"
	}
	return "true"
}

func (e *sarifEnable) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("want true or false")
	}
	*e = sarifEnableFalse
	if b {
		*e = sarifEnableTrue
	}
	return nil
}

func (e *sarifEnable) IsBoolFlag() bool { return true }

// selectSARIFAnalyzers applies the -NAME flags as the multichecker does: if
// any is true, only those run; otherwise all but those set to false.
func selectSARIFAnalyzers(all []*analysis.Analyzer, enabled map[*analysis.Analyzer]*sarifEnable) []*analysis.Analyzer {
	var hasTrue, hasFalse bool
	for _, e := range enabled {
		hasTrue = hasTrue || *e == sarifEnableTrue
		hasFalse = hasFalse || *e == sarifEnableFalse
	}
	if !hasTrue && !hasFalse {
		return all
	}
	var keep []*analysis.Analyzer
	for _, a := range all {
		if hasTrue && *enabled[a] == sarifEnableTrue || !hasTrue && *enabled[a] != sarifEnableFalse {
			keep = append(keep, a)
		}
	}
	return keep
}

// sarifErrors collects the package and analysis errors, one line each,
// without duplicates (a test variant repeats its package's errors).
type sarifErrors struct {
	lines   []string
	seen    map[string]bool
	derived []string // analysis errors that only repeat that a package had errors
}

func (e *sarifErrors) add(line string) {
	if e.seen == nil {
		e.seen = map[string]bool{}
	}
	if !e.seen[line] {
		e.seen[line] = true
		e.lines = append(e.lines, line)
	}
}

// packageErrors adds the errors of the packages and their dependencies
// and of their modules, as packages.PrintErrors would print them.
func (e *sarifErrors) packageErrors(pkgs []*packages.Package) {
	seenMod := map[*packages.Module]bool{}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if m := p.Module; m != nil && m.Error != nil && !seenMod[m] {
			seenMod[m] = true
			e.add("teardown: module " + m.Path + ": " + m.Error.Err)
		}
		for _, err := range p.Errors {
			pos := err.Pos
			if pos == "" || pos == "-" {
				pos = "teardown"
			}
			e.add(pos + ": " + strings.TrimSpace(err.Msg))
		}
	})
}

// actionErrors adds the errors of the analysis actions, except those
// that only say that a package had errors: those are kept aside, and
// printed only if nothing else explains the failure.
func (e *sarifErrors) actionErrors(g *checker.Graph) {
	for act := range g.All() {
		if act.Err == nil {
			continue
		}
		msg := act.Err.Error()
		line := act.Analyzer.Name + ": " + msg
		if strings.HasPrefix(msg, "failed prerequisites: ") || msg == "analysis skipped due to errors in package" {
			e.derived = append(e.derived, line)
			continue
		}
		for l := range strings.SplitSeq(strings.TrimRight(line, "\n"), "\n") {
			e.add(l)
		}
	}
	if len(e.lines) == 0 {
		for _, l := range e.derived {
			e.add(l)
		}
	}
}

func (e *sarifErrors) print(w io.Writer) {
	for _, l := range e.lines {
		fmt.Fprintln(w, l)
	}
}

// A sarifFinding is a diagnostic of a root action, with its positions
// resolved.
type sarifFinding struct {
	analyzer  *analysis.Analyzer
	pos, end  token.Position // adjusted (//line) positions, as the text mode prints them
	message   string
	fixes     []sarifFindingFix
	dedupeKey string
}

type sarifFindingFix struct {
	message string
	edits   []sarifFindingEdit
}

type sarifFindingEdit struct {
	start, end token.Position // unadjusted: the file the edit changes
	newText    string
}

// collectSARIFFindings returns the diagnostics of the graph's root actions,
// without duplicates (the test variant of a package repeats the
// findings of its non-test files), sorted by file, position and rule.
func collectSARIFFindings(g *checker.Graph) []sarifFinding {
	var fs []sarifFinding
	seen := map[string]bool{}
	for _, act := range g.Roots {
		if act.Err != nil {
			continue
		}
		fset := act.Package.Fset
		for _, d := range act.Diagnostics {
			f := sarifFinding{
				analyzer: act.Analyzer,
				pos:      fset.Position(d.Pos),
				message:  d.Message,
			}
			f.end = f.pos
			if d.End.IsValid() {
				if end := fset.Position(d.End); end.Filename == f.pos.Filename && end.Line > 0 {
					f.end = end
				}
			}
			for _, sf := range d.SuggestedFixes {
				ff := sarifFindingFix{message: sf.Message}
				for _, te := range sf.TextEdits {
					start := fset.PositionFor(te.Pos, false)
					end := start
					if te.End.IsValid() {
						end = fset.PositionFor(te.End, false)
					}
					ff.edits = append(ff.edits, sarifFindingEdit{start, end, string(te.NewText)})
				}
				f.fixes = append(f.fixes, ff)
			}
			f.dedupeKey = fmt.Sprintf("%s\x00%v\x00%v\x00%s\x00%#v", act.Analyzer.Name, f.pos, f.end, f.message, f.fixes)
			if seen[f.dedupeKey] {
				continue
			}
			seen[f.dedupeKey] = true
			fs = append(fs, f)
		}
	}
	slices.SortStableFunc(fs, func(a, b sarifFinding) int {
		return cmp.Or(
			cmp.Compare(a.pos.Filename, b.pos.Filename),
			cmp.Compare(a.pos.Line, b.pos.Line),
			cmp.Compare(a.pos.Column, b.pos.Column),
			cmp.Compare(a.analyzer.Name, b.analyzer.Name),
			cmp.Compare(a.message, b.message),
			cmp.Compare(a.dedupeKey, b.dedupeKey),
		)
	})
	return fs
}

// sarifPaths turns file names into SARIF artifact locations: relative
// to the current directory (the %SRCROOT% base) when the file is under
// it, an absolute file URI otherwise.
type sarifPaths struct {
	roots []string // the current directory, and its symlink-free form
	lines map[string][]string
}

func newSARIFPaths(cwd string) *sarifPaths {
	m := &sarifPaths{roots: []string{cwd}, lines: map[string][]string{}}
	if real, err := filepath.EvalSymlinks(cwd); err == nil && real != cwd {
		m.roots = append(m.roots, real)
	}
	return m
}

// srcRoot is the value of %SRCROOT%: the current directory's file URI,
// with a trailing slash.
func (m *sarifPaths) srcRoot() string {
	return sarifFileURI(m.roots[0]) + "/"
}

func sarifFileURI(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x on Windows
	}
	return (&url.URL{Scheme: "file", Path: strings.TrimSuffix(p, "/")}).String()
}

func (m *sarifPaths) location(filename string) *sarif.ArtifactLocation {
	if !filepath.IsAbs(filename) {
		filename, _ = filepath.Abs(filename)
	}
	for _, root := range m.roots {
		rel, err := filepath.Rel(root, filename)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return sarif.NewArtifactLocation().
				WithURI((&url.URL{Path: filepath.ToSlash(rel)}).String()).
				WithURIBaseID(sarifSrcRoot)
		}
		if real, err := filepath.EvalSymlinks(filename); err == nil && real != filename {
			if rel, err := filepath.Rel(root, real); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return sarif.NewArtifactLocation().
					WithURI((&url.URL{Path: filepath.ToSlash(rel)}).String()).
					WithURIBaseID(sarifSrcRoot)
			}
		}
	}
	return sarif.NewArtifactLocation().WithURI(sarifFileURI(filename))
}

// lineText returns line n (1-based) of a file, or "".
func (m *sarifPaths) lineText(filename string, n int) string {
	ls, ok := m.lines[filename]
	if !ok {
		if b, err := os.ReadFile(filename); err == nil {
			ls = strings.Split(string(b), "\n")
		}
		m.lines[filename] = ls
	}
	if n < 1 || n > len(ls) {
		return ""
	}
	return strings.TrimSuffix(ls[n-1], "\r")
}

// region is a SARIF region from start to end, 1-based, with UTF-8 byte
// columns (SARIF's default for columnKind is not declared: go/token
// counts bytes).
func sarifRegionOf(start, end token.Position) *sarif.Region {
	if end.Line < start.Line || end.Line == start.Line && end.Column < start.Column {
		end = start
	}
	return sarif.NewRegion().
		WithStartLine(start.Line).WithStartColumn(max(start.Column, 1)).
		WithEndLine(end.Line).WithEndColumn(max(end.Column, 1))
}

// sarifLevel is a SARIF level for an analyzer: its rule's severity, or
// note for the analyzers that are not rules.
func sarifLevel(a *analysis.Analyzer) string {
	if d := lint.Rule(a.Name); d != nil {
		switch d.Severity {
		case lint.Error:
			return sarif.LevelError
		case lint.Warning:
			return sarif.LevelWarning
		}
	}
	return sarif.LevelNote
}

// sarifDescriptions returns the short and full description of an
// analyzer: the rule's title and the first paragraph of its rationale,
// or for the other analyzers the first line of Doc (without the "name: "
// prefix) and the paragraph after it.
func sarifDescriptions(a *analysis.Analyzer) (short, full string) {
	paragraphs := func(s string) []string {
		var ps []string
		for p := range strings.SplitSeq(strings.TrimSpace(s), "\n\n") {
			if p = strings.Join(strings.Fields(p), " "); p != "" {
				ps = append(ps, p)
			}
		}
		return ps
	}
	if d := lint.Rule(a.Name); d != nil {
		short = d.Title
		if ps := paragraphs(d.Why); len(ps) > 0 {
			full = ps[0]
		}
	} else {
		first, rest, _ := strings.Cut(strings.TrimSpace(a.Doc), "\n")
		short = strings.TrimSpace(strings.TrimPrefix(first, a.Name+":"))
		if ps := paragraphs(rest); len(ps) > 0 {
			full = ps[0]
		}
	}
	if full == "" {
		full = short
	}
	return short, full
}

func sarifToolVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// buildSARIF makes the SARIF log: one run, one rule per analyzer, one
// result per finding. It returns the log and the number of results.
func buildSARIF(analyzers []*analysis.Analyzer, findings []sarifFinding, paths *sarifPaths, errs []string) (*sarif.Report, int) {
	driver := sarif.NewToolComponent().
		WithName("teardown").
		WithVersion(sarifToolVersion()).
		WithInformationURI(sarifInformationURI)
	index := map[*analysis.Analyzer]int{}
	for i, a := range analyzers {
		index[a] = i
		short, full := sarifDescriptions(a)
		rule := sarif.NewRule(a.Name).
			WithShortDescription(sarif.NewMultiformatMessageString().WithText(short)).
			WithFullDescription(sarif.NewMultiformatMessageString().WithText(full)).
			WithHelp(sarif.NewMultiformatMessageString().WithText(a.Doc)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(a)))
		if a.URL != "" {
			rule.WithHelpURI(a.URL)
		}
		driver.AddRule(rule)
	}
	run := sarif.NewRun().
		WithTool(sarif.NewTool().WithDriver(driver)).
		WithOriginalUriBaseIds(map[string]sarif.ArtifactLocation{
			sarifSrcRoot: *sarif.NewArtifactLocation().WithURI(paths.srcRoot()),
		})

	occurrences := map[string]int{}
	for _, f := range findings {
		res := sarif.NewRuleResult(f.analyzer.Name).
			WithLevel(sarifLevel(f.analyzer)).
			WithMessage(sarif.NewTextMessage(f.message))
		if i, ok := index[f.analyzer]; ok {
			res.WithRuleIndex(i)
		}
		if f.pos.Filename != "" {
			loc := paths.location(f.pos.Filename)
			phys := sarif.NewPhysicalLocation().WithArtifactLocation(loc)
			if f.pos.Line > 0 {
				phys.WithRegion(sarifRegionOf(f.pos, f.end))
			}
			res.AddLocation(sarif.NewLocationWithPhysicalLocation(phys))

			// GitHub's form: a hash of what identifies the finding
			// without its line number, and the occurrence count of
			// that hash.
			h := sha256.Sum256([]byte(f.analyzer.Name + "\x00" + *loc.URI + "\x00" +
				strings.TrimSpace(paths.lineText(f.pos.Filename, f.pos.Line))))
			hash := hex.EncodeToString(h[:8])
			occurrences[hash]++
			res.WithPartialFingerprints(map[string]string{
				"primaryLocationLineHash": hash + ":" + strconv.Itoa(occurrences[hash]),
			})
		}
		for _, ff := range f.fixes {
			fix := sarif.NewFix().WithDescription(sarif.NewTextMessage(ff.message))
			changes := map[string]*sarif.ArtifactChange{}
			for _, e := range ff.edits {
				ch := changes[e.start.Filename]
				if ch == nil {
					ch = sarif.NewArtifactChange().WithArtifactLocation(paths.location(e.start.Filename))
					changes[e.start.Filename] = ch
					fix.AddArtifactChange(ch)
				}
				ch.AddReplacement(sarif.NewReplacement().
					WithDeletedRegion(sarifRegionOf(e.start, e.end)).
					WithInsertedContent(sarif.NewArtifactContent().WithText(e.newText)))
			}
			res.AddFixe(fix)
		}
		run.AddResult(res)
	}

	inv := sarif.NewInvocation().WithExecutionSuccessful(len(errs) == 0)
	for _, e := range errs {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarif.NewNotification().WithLevel(sarif.LevelError).WithMessage(sarif.NewTextMessage(e)))
	}
	run.AddInvocation(inv)

	return sarif.NewReport().AddRun(run), len(findings)
}
