// SARIF output (-format=sarif): one SARIF 2.1.0 log, to stdout or to
// the file named by -o, for GitHub code scanning and reviewdog. The log
// has one rule per analyzer, with its documentation URL and default level
// (error or warning from the rule's severity, note for the directives and
// connflow analyzers), and one result per finding: the path relative to
// the current directory (uriBaseId %SRCROOT%), line and UTF-8 byte
// columns, a primaryLocationLineHash fingerprint, and the suggested fix as
// line/column replacements. Package and analysis errors are the
// invocation's notifications (and go to stderr, one line each).

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/internal/lint"
	"github.com/teardownlint/teardown/internal/sarif"
)

const (
	sarifInformationURI = "https://github.com/teardownlint/teardown"
	sarifSrcRoot        = "%SRCROOT%"
)

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

func (m *sarifPaths) location(filename string) sarif.ArtifactLocation {
	if !filepath.IsAbs(filename) {
		filename, _ = filepath.Abs(filename)
	}
	for _, root := range m.roots {
		rel, err := filepath.Rel(root, filename)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return sarif.ArtifactLocation{URI: (&url.URL{Path: filepath.ToSlash(rel)}).String(), URIBaseID: sarifSrcRoot}
		}
		if real, err := filepath.EvalSymlinks(filename); err == nil && real != filename {
			if rel, err := filepath.Rel(root, real); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return sarif.ArtifactLocation{URI: (&url.URL{Path: filepath.ToSlash(rel)}).String(), URIBaseID: sarifSrcRoot}
			}
		}
	}
	return sarif.ArtifactLocation{URI: sarifFileURI(filename)}
}

// fileLines returns the lines of a file (without their newlines), read
// once.
func (m *sarifPaths) fileLines(filename string) []string {
	ls, ok := m.lines[filename]
	if !ok {
		if b, err := os.ReadFile(filename); err == nil {
			ls = strings.Split(string(b), "\n")
		}
		m.lines[filename] = ls
	}
	return ls
}

// lineText returns line n (1-based) of a file, or "".
func (m *sarifPaths) lineText(filename string, n int) string {
	ls := m.fileLines(filename)
	if n < 1 || n > len(ls) {
		return ""
	}
	return strings.TrimSuffix(ls[n-1], "\r")
}

// offsetPosition turns a byte offset in a file into its line and byte
// column.
func (m *sarifPaths) offsetPosition(filename string, offset int) position {
	line, start := 1, 0
	for _, l := range m.fileLines(filename) {
		if offset <= start+len(l) {
			break
		}
		start += len(l) + 1
		line++
	}
	return position{filename, line, offset - start + 1}
}

// region is a SARIF region from start to end, 1-based, with UTF-8 byte
// columns (SARIF's default for columnKind is not declared: go/token
// counts bytes).
func sarifRegionOf(start, end position) sarif.Region {
	if end.file != start.file || end.line < start.line || end.line == start.line && end.col < start.col {
		end = start
	}
	return sarif.Region{
		StartLine: start.line, StartColumn: max(start.col, 1),
		EndLine: end.line, EndColumn: max(end.col, 1),
	}
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

// buildSARIF makes the SARIF log: one run, one rule per analyzer, one
// result per finding (notes included, at level note). errs are the
// run's errors, one line each.
func buildSARIF(analyzers []*analysis.Analyzer, findings []finding, paths *sarifPaths, errs []string) *sarif.Log {
	driver := sarif.ToolComponent{
		Name:           "teardown",
		Version:        buildVersion(),
		InformationURI: sarifInformationURI,
	}
	index := map[string]int{}
	byName := map[string]*analysis.Analyzer{}
	for i, a := range analyzers {
		index[a.Name] = i
		byName[a.Name] = a
		short, full := sarifDescriptions(a)
		driver.Rules = append(driver.Rules, sarif.ReportingDescriptor{
			ID:                   a.Name,
			ShortDescription:     sarif.Text(short),
			FullDescription:      sarif.Text(full),
			Help:                 sarif.Text(a.Doc),
			HelpURI:              a.URL,
			DefaultConfiguration: &sarif.ReportingConfiguration{Level: sarifLevel(a)},
		})
	}
	run := sarif.Run{
		Tool: sarif.Tool{Driver: driver},
		OriginalURIBaseIDs: map[string]sarif.ArtifactLocation{
			sarifSrcRoot: {URI: paths.srcRoot()},
		},
		Results: []sarif.Result{},
	}

	occurrences := map[string]int{}
	for _, f := range findings {
		level := sarif.LevelNote
		if a := byName[f.analyzer]; a != nil && !f.note() {
			level = sarifLevel(a)
		}
		res := sarif.Result{RuleID: f.analyzer, Level: level, Message: sarif.Message{Text: f.message}}
		if i, ok := index[f.analyzer]; ok {
			res.RuleIndex = &i
		}
		if f.pos.file != "" {
			loc := paths.location(f.pos.file)
			phys := sarif.PhysicalLocation{ArtifactLocation: loc}
			if f.pos.line > 0 {
				region := sarifRegionOf(f.pos, f.end)
				phys.Region = &region
			}
			res.Locations = append(res.Locations, sarif.Location{PhysicalLocation: phys})

			// GitHub's form: a hash of what identifies the finding
			// without its line number, and the occurrence count of
			// that hash.
			h := sha256.Sum256([]byte(f.analyzer + "\x00" + loc.URI + "\x00" +
				strings.TrimSpace(paths.lineText(f.pos.file, f.pos.line))))
			hash := hex.EncodeToString(h[:8])
			occurrences[hash]++
			res.PartialFingerprints = map[string]string{
				"primaryLocationLineHash": hash + ":" + strconv.Itoa(occurrences[hash]),
			}
		}
		for _, ff := range f.fixes {
			fix := sarif.Fix{Description: sarif.Text(ff.message)}
			changes := map[string]int{} // file → index in fix.ArtifactChanges
			for _, e := range ff.edits {
				ci, ok := changes[e.file]
				if !ok {
					ci = len(fix.ArtifactChanges)
					changes[e.file] = ci
					fix.ArtifactChanges = append(fix.ArtifactChanges, sarif.ArtifactChange{ArtifactLocation: paths.location(e.file)})
				}
				start, end := paths.offsetPosition(e.file, e.start), paths.offsetPosition(e.file, e.end)
				ch := &fix.ArtifactChanges[ci]
				ch.Replacements = append(ch.Replacements, sarif.Replacement{
					DeletedRegion:   sarifRegionOf(start, end),
					InsertedContent: &sarif.ArtifactContent{Text: e.text},
				})
			}
			res.Fixes = append(res.Fixes, fix)
		}
		run.Results = append(run.Results, res)
	}

	inv := sarif.Invocation{ExecutionSuccessful: len(errs) == 0}
	for _, e := range errs {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarif.Notification{Level: sarif.LevelError, Message: sarif.Message{Text: e}})
	}
	run.Invocations = []sarif.Invocation{inv}

	return sarif.NewLog(run)
}
