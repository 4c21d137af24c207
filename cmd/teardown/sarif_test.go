package main

// Tests of -format=sarif: the binary runs on small modules written to
// temporary directories, under both engines, and its output is checked
// field by field and against the official SARIF 2.1.0 schema (the copy
// go-sarif embeds in its source, read from the module cache; go-sarif is
// a test dependency only: teardown writes SARIF with internal/sarif).

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	gosarif "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/xeipuuv/gojsonschema"
	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/analyzer"
	"github.com/teardownlint/teardown/internal/lint"
)

// sarifLog is the part of a SARIF log the tests look at.
type sarifLog struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name           string `json:"name"`
				Version        string `json:"version"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID               string                 `json:"id"`
					ShortDescription sarifText              `json:"shortDescription"`
					FullDescription  sarifText              `json:"fullDescription"`
					HelpURI          string                 `json:"helpUri"`
					Default          struct{ Level string } `json:"defaultConfiguration"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		OriginalURIBaseIDs map[string]struct {
			URI string `json:"uri"`
		} `json:"originalUriBaseIds"`
		Results []struct {
			RuleID              string            `json:"ruleId"`
			RuleIndex           int               `json:"ruleIndex"`
			Level               string            `json:"level"`
			Message             sarifText         `json:"message"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Locations           []struct {
				PhysicalLocation struct {
					ArtifactLocation sarifArtifact `json:"artifactLocation"`
					Region           sarifRegion   `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			Fixes []struct {
				Description     sarifText `json:"description"`
				ArtifactChanges []struct {
					ArtifactLocation sarifArtifact `json:"artifactLocation"`
					Replacements     []struct {
						DeletedRegion   sarifRegion `json:"deletedRegion"`
						InsertedContent *sarifText  `json:"insertedContent"`
					} `json:"replacements"`
				} `json:"artifactChanges"`
			} `json:"fixes"`
		} `json:"results"`
		Invocations []struct {
			ExecutionSuccessful bool `json:"executionSuccessful"`
			Notifications       []struct {
				Level   string    `json:"level"`
				Message sarifText `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
	} `json:"runs"`
}

type sarifText struct {
	Text *string `json:"text"`
}

func (t sarifText) String() string {
	if t.Text == nil {
		return "<no text>"
	}
	return *t.Text
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

// sarifDemo has one writeclose and one lingerzero finding, both with a
// fix. The comment before c.SetLinger(0) holds a two-byte character, so
// that its byte column differs from its rune column. demo_test.go makes
// -test load a test variant of the package, which repeats the findings.
var sarifDemo = map[string]string{
	"go.mod": "module demo.example\n\ngo 1.26\n",
	"demo.go": `// Package demo has teardown bugs.
package demo

import "net"

// Reply writes, then closes.
func Reply(c net.Conn, b []byte) error {
	if _, err := c.Write(b); err != nil {
		return err
	}
	return c.Close()
}

// Hangup sets SO_LINGER {1, 0} with no reason given: the fix removes it.
func Hangup(c *net.TCPConn) error {
	/* ¡ */ c.SetLinger(0)
	return c.Close()
}
`,
	"demo_test.go": "package demo\n\nimport \"testing\"\n\nfunc TestNothing(t *testing.T) {}\n",
}

// sarifModule writes files into a new temporary directory.
func sarifModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// parseSARIF decodes out into the test's view of a log, after checking
// that go-sarif reads it and that it is valid against the official
// schema.
func parseSARIF(t *testing.T, out []byte) *sarifLog {
	t.Helper()
	if _, err := gosarif.FromBytes(out, gosarif.WithStrictValidation()); err != nil {
		t.Fatalf("go-sarif cannot read the output: %v\n%s", err, out)
	}
	if err := validateSARIF(t, out); err != nil {
		t.Errorf("the output is not valid SARIF 2.1.0: %v", err)
	}
	var log sarifLog
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	return &log
}

func TestSelectAnalyzers(t *testing.T) {
	all := analyzer.Analyzers()
	named := func(as []*analysis.Analyzer) []string {
		var ns []string
		for _, a := range as {
			ns = append(ns, a.Name)
		}
		return ns
	}
	for _, tc := range []struct {
		set  map[string]string
		want []string
	}{
		{nil, named(all)},
		{map[string]string{"lingerzero": "true", "writeclose": "1"}, []string{"writeclose", "lingerzero"}},
		{map[string]string{"lingerzero": "true", "writeclose": "false"}, []string{"lingerzero"}},
		{map[string]string{"connflow": "false", "directives": "false"}, named(analyzer.Rules())},
	} {
		enabled := map[*analysis.Analyzer]*enableFlag{}
		for _, a := range all {
			enabled[a] = new(enableFlag)
			if v, ok := tc.set[a.Name]; ok {
				if err := enabled[a].Set(v); err != nil {
					t.Fatal(err)
				}
			}
		}
		if got := named(selectAnalyzers(all, enabled)); !slices.Equal(got, tc.want) {
			t.Errorf("flags %v select %v, want %v", tc.set, got, tc.want)
		}
	}
}

// TestSARIFOutput is the whole path: load, analysis, SARIF, exit code.
func TestSARIFOutput(t *testing.T) {
	t.Parallel()
	engines(t, testSARIFOutput)
}

func testSARIFOutput(t *testing.T, e engineRun) {
	dir := sarifModule(t, sarifDemo)
	args := []string{"-format=sarif", "-o", "out.sarif", "./..."}
	if e.name == "load" {
		args = append([]string{"-test"}, args...)
	}
	r := e.run(t, dir, args...)
	if r.code != 3 {
		t.Errorf("exit code %d, want 3 (findings)", r.code)
	}
	if r.stderr != "" || r.stdout != "" {
		t.Errorf("with -o, stdout %q and stderr %q should be empty", r.stdout, r.stderr)
	}
	out, err := os.ReadFile(filepath.Join(dir, "out.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	log := parseSARIF(t, out)
	run := log.Runs[0]

	if log.Version != "2.1.0" {
		t.Errorf("version %q", log.Version)
	}
	d := run.Tool.Driver
	if d.Name != "teardown" || d.Version != "devel" || d.InformationURI != sarifInformationURI {
		t.Errorf("tool.driver: name %q, version %q, informationUri %q", d.Name, d.Version, d.InformationURI)
	}
	all := analyzer.Analyzers()
	if len(d.Rules) != len(all) {
		t.Fatalf("%d rules, want one per analyzer (%d)", len(d.Rules), len(all))
	}
	ruleIndex := map[string]int{}
	for i, a := range all {
		r := d.Rules[i]
		ruleIndex[a.Name] = i
		wantLevel := "note"
		if doc := lint.Rule(a.Name); doc != nil {
			wantLevel = string(doc.Severity)
			if *r.ShortDescription.Text != doc.Title {
				t.Errorf("rule %s: shortDescription %q, want the title %q", a.Name, r.ShortDescription, doc.Title)
			}
		}
		switch {
		case r.ID != a.Name:
			t.Errorf("rules[%d].id = %q, want %q", i, r.ID, a.Name)
		case r.HelpURI == "" || r.HelpURI != a.URL:
			t.Errorf("rule %s: helpUri %q, want %q", a.Name, r.HelpURI, a.URL)
		case r.ShortDescription.Text == nil || *r.ShortDescription.Text == "" || strings.HasPrefix(*r.ShortDescription.Text, a.Name+":"):
			t.Errorf("rule %s: shortDescription %q", a.Name, r.ShortDescription)
		case r.FullDescription.Text == nil || *r.FullDescription.Text == "":
			t.Errorf("rule %s: no fullDescription", a.Name)
		case r.Default.Level != wantLevel:
			t.Errorf("rule %s: defaultConfiguration.level %q, want %q", a.Name, r.Default.Level, wantLevel)
		}
	}
	if got, want := run.OriginalURIBaseIDs["%SRCROOT%"].URI, "file://"+filepath.ToSlash(dir)+"/"; got != want {
		t.Errorf("%%SRCROOT%% is %q, want %q", got, want)
	}
	if len(run.Invocations) != 1 || !run.Invocations[0].ExecutionSuccessful {
		t.Errorf("invocations: %+v, want one, successful", run.Invocations)
	}

	src := sarifDemo["demo.go"]
	srcLines := strings.Split(src, "\n")
	lineOf := func(code string) int {
		for i, l := range srcLines {
			if strings.Contains(l, code) {
				return i + 1
			}
		}
		t.Fatalf("demo.go has no %q", code)
		return 0
	}
	want := map[string]int{ // rule: line
		"writeclose": lineOf("return c.Close()"),
		"lingerzero": lineOf("c.SetLinger(0)"),
	}
	if len(run.Results) != len(want) {
		t.Errorf("%d results, want %d (one per finding: the test variant's repeats are dropped)", len(run.Results), len(want))
	}
	fingerprint := regexp.MustCompile(`^[0-9a-f]{16}:[1-9][0-9]*$`)
	for _, r := range run.Results {
		line, ok := want[r.RuleID]
		if !ok {
			t.Errorf("unexpected result %s: %s", r.RuleID, r.Message)
			continue
		}
		delete(want, r.RuleID)
		if r.RuleIndex != ruleIndex[r.RuleID] || r.Level != d.Rules[ruleIndex[r.RuleID]].Default.Level {
			t.Errorf("%s: ruleIndex %d, level %q", r.RuleID, r.RuleIndex, r.Level)
		}
		if r.Message.Text == nil || *r.Message.Text == "" {
			t.Errorf("%s: no message", r.RuleID)
		}
		if len(r.Locations) != 1 {
			t.Fatalf("%s: %d locations, want 1", r.RuleID, len(r.Locations))
		}
		pl := r.Locations[0].PhysicalLocation
		if pl.ArtifactLocation != (sarifArtifact{"demo.go", "%SRCROOT%"}) {
			t.Errorf("%s: artifactLocation %+v, want demo.go relative to %%SRCROOT%%", r.RuleID, pl.ArtifactLocation)
		}
		rg := pl.Region
		if rg.StartLine != line || rg.EndLine < rg.StartLine || rg.StartColumn < 1 || rg.EndColumn < 1 ||
			rg.EndLine == rg.StartLine && rg.EndColumn < rg.StartColumn || rg.StartColumn > len(srcLines[line-1])+1 {
			t.Errorf("%s: region %+v, want one starting on line %d", r.RuleID, rg, line)
		}
		if fp := r.PartialFingerprints["primaryLocationLineHash"]; !fingerprint.MatchString(fp) {
			t.Errorf("%s: primaryLocationLineHash %q", r.RuleID, fp)
		}

		// The fix: one change to demo.go, with line/column regions.
		// Applied with byte columns, it must leave Go that parses and
		// no longer has the finding's code.
		if len(r.Fixes) != 1 || len(r.Fixes[0].ArtifactChanges) != 1 {
			t.Fatalf("%s: fixes %+v, want one change", r.RuleID, r.Fixes)
		}
		fix := r.Fixes[0]
		if fix.Description.Text == nil || *fix.Description.Text == "" {
			t.Errorf("%s: fix without a description", r.RuleID)
		}
		ch := fix.ArtifactChanges[0]
		if ch.ArtifactLocation != (sarifArtifact{"demo.go", "%SRCROOT%"}) {
			t.Errorf("%s: fix artifactLocation %+v", r.RuleID, ch.ArtifactLocation)
		}
		var edits []sarifEdit
		for _, rep := range ch.Replacements {
			dr := rep.DeletedRegion
			if dr.StartLine < 1 || dr.StartColumn < 1 || dr.EndLine < dr.StartLine || dr.EndColumn < 1 {
				t.Fatalf("%s: deletedRegion %+v lacks line/column", r.RuleID, dr)
			}
			if rep.InsertedContent == nil || rep.InsertedContent.Text == nil {
				t.Fatalf("%s: replacement without insertedContent.text", r.RuleID)
			}
			edits = append(edits, sarifEdit{dr, *rep.InsertedContent.Text})
		}
		fixed, err := applySARIFEdits(src, edits)
		if err != nil {
			t.Fatalf("%s: %v", r.RuleID, err)
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "demo.go", fixed, 0); err != nil {
			t.Errorf("%s: the fix leaves code that does not parse: %v\n%s", r.RuleID, err, fixed)
		}
		switch r.RuleID {
		case "lingerzero":
			if strings.Contains(fixed, "SetLinger(0)") {
				t.Errorf("lingerzero: the fix leaves SetLinger(0):\n%s", fixed)
			}
			// The statement follows a two-byte character: counted in
			// bytes, the deleted region is exactly the call; in runes
			// (or off by one) it would not be.
			if dr := ch.Replacements[0].DeletedRegion; len(ch.Replacements) != 1 || dr.StartLine != line || dr.EndLine != line ||
				dr.EndColumn > len(srcLines[line-1])+1 || srcLines[line-1][dr.StartColumn-1:dr.EndColumn-1] != "c.SetLinger(0)" {
				t.Errorf("lingerzero: the fix's deletedRegions %+v, want the bytes of c.SetLinger(0) on line %d", ch.Replacements, line)
			}
		case "writeclose":
			if !strings.Contains(fixed, "CloseWrite") {
				t.Errorf("writeclose: the fix adds no CloseWrite:\n%s", fixed)
			}
		}
	}
	for rule, line := range want {
		t.Errorf("no %s result on demo.go:%d", rule, line)
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}

	// Negative control: the validation bites on an invalid level.
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	results := doc["runs"].([]any)[0].(map[string]any)["results"].([]any)
	results[0].(map[string]any)["level"] = "high"
	bad, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := validateSARIF(t, bad); err == nil || !strings.Contains(err.Error(), "level") {
		t.Errorf(`Validate of a result with level "high" = %v, want a schema error about level`, err)
	}
}

// sarifSchema is the official SARIF 2.1.0 schema, compiled once.
var sarifSchema struct {
	once   sync.Once
	schema *gojsonschema.Schema
	err    error
}

// validateSARIF validates a log, as written, against the official SARIF
// 2.1.0 schema. The schema is the string constant go-sarif's source
// embeds (its Report.Validate validates go-sarif's own re-encoding of a
// log, which writes every property it models, unset ones as invalid
// zero values, so it cannot check a log that leaves defaults out).
func validateSARIF(t *testing.T, log []byte) error {
	t.Helper()
	s := &sarifSchema
	s.once.Do(func() {
		const mod, file = "github.com/owenrumney/go-sarif/v3", "pkg/report/v210/sarif/schema.go"
		dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", mod).Output()
		if err != nil {
			s.err = fmt.Errorf("go list -m %s: %v", mod, err)
			return
		}
		path := filepath.Join(strings.TrimSpace(string(dir)), file)
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			s.err = err
			return
		}
		text := ""
		for _, d := range f.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.CONST {
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					if len(vs.Names) == 1 && vs.Names[0].Name == "schema" && len(vs.Values) == 1 {
						if lit, ok := vs.Values[0].(*ast.BasicLit); ok {
							text, _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
		}
		if !strings.Contains(text, "(SARIF) Version 2.1.0") {
			s.err = fmt.Errorf("%s: no SARIF 2.1.0 schema in const schema", path)
			return
		}
		s.schema, s.err = gojsonschema.NewSchema(gojsonschema.NewStringLoader(text))
	})
	if s.err != nil {
		t.Fatalf("the SARIF schema: %v", s.err)
	}
	res, err := s.schema.Validate(gojsonschema.NewBytesLoader(log))
	if err != nil {
		return err
	}
	if !res.Valid() {
		var errs []string
		for _, e := range res.Errors() {
			errs = append(errs, e.String())
		}
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

type sarifEdit struct {
	region sarifRegion
	text   string
}

// applySARIFEdits applies replacements whose columns count UTF-8 bytes.
func applySARIFEdits(src string, edits []sarifEdit) (string, error) {
	var lineStart []int // byte offset of each line
	for off := 0; ; {
		lineStart = append(lineStart, off)
		i := strings.IndexByte(src[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
	}
	offset := func(line, col int) (int, error) {
		if line < 1 || line > len(lineStart) {
			return 0, fmt.Errorf("line %d out of range", line)
		}
		off := lineStart[line-1] + col - 1
		if off > len(src) || line < len(lineStart) && off >= lineStart[line] {
			return 0, fmt.Errorf("%d:%d is past the end of its line", line, col)
		}
		return off, nil
	}
	type span struct {
		start, end int
		text       string
	}
	var spans []span
	for _, e := range edits {
		start, err := offset(e.region.StartLine, e.region.StartColumn)
		if err != nil {
			return "", err
		}
		end, err := offset(e.region.EndLine, e.region.EndColumn)
		if err != nil {
			return "", err
		}
		spans = append(spans, span{start, end, e.text})
	}
	slices.SortFunc(spans, func(a, b span) int { return b.start - a.start })
	for _, s := range spans {
		src = src[:s.start] + s.text + src[s.end:]
	}
	return src, nil
}

// TestSARIFClean: no findings is exit 0 and a valid log with an empty
// results array (GitHub requires it). Setting an analyzer's flag (to its
// default) is accepted.
func TestSARIFClean(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e engineRun) {
		dir := sarifModule(t, map[string]string{
			"go.mod":   "module clean.example\n\ngo 1.26\n",
			"clean.go": "package clean\n\n// Answer is 42.\nfunc Answer() int { return 42 }\n",
		})
		r := e.run(t, dir, "--format", "sarif", "-connflow.maxblocks="+analyzerFlagDefault(t, "connflow", "maxblocks"), "./...")
		if r.code != 0 || r.stderr != "" {
			t.Errorf("exit code %d, stderr %q; want 0 and nothing", r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, `"results": []`) {
			t.Errorf("no empty results array in\n%s", r.stdout)
		}
		if log := parseSARIF(t, []byte(r.stdout)); len(log.Runs[0].Results) != 0 {
			t.Errorf("%d results, want 0", len(log.Runs[0].Results))
		}
	})
}

// TestTestFiles: a test file that does not type-check fails the run only
// when test files are analyzed: under load with -test or -connflow.tests,
// under vet with -connflow.tests (go vet always hands the tool the test
// packages; without -connflow.tests it analyzes the package without its
// test files and skips the external test package). Until stop 23 the vet
// engine failed without -connflow.tests too, against usage.md.
func TestTestFiles(t *testing.T) {
	t.Parallel()
	dir := sarifModule(t, map[string]string{
		"go.mod":        "module clean.example\n\ngo 1.26\n",
		"clean.go":      "package clean\n\n// Answer is 42.\nfunc Answer() int { return 42 }\n",
		"clean_test.go": "package clean\n\nvar broken int = \"not an int\"\n",
	})
	load := engineRun{"load", goEnv()}
	if r := load.run(t, dir, "./..."); r.code != 0 || r.stderr != "" {
		t.Errorf("load, no -test: want exit 0 and nothing: %v", r)
	}
	for _, args := range [][]string{{"-test", "./..."}, {"-connflow.tests", "./..."}} {
		if r := load.run(t, dir, args...); r.code != 1 || !strings.Contains(r.stderr, "clean_test.go:3:") {
			t.Errorf("load %q: want 1 and the error in clean_test.go: %v", args, r)
		}
	}
	vet := engineRun{"vet", vetEnv(t)}
	if r := vet.run(t, dir, "./..."); r.code != 0 || r.stderr != "" {
		t.Errorf("vet, no -connflow.tests: want exit 0 and nothing: %v", r)
	}
	if r := vet.run(t, dir, "-connflow.tests", "./..."); r.code != 1 || !strings.Contains(r.stderr, "clean_test.go:3:") {
		t.Errorf("vet -connflow.tests: want 1 and the error in clean_test.go: %v", r)
	}
}

func analyzerFlagDefault(t *testing.T, analyzerName, flagName string) string {
	t.Helper()
	for _, a := range analyzer.Analyzers() {
		if a.Name == analyzerName {
			if f := a.Flags.Lookup(flagName); f != nil {
				return f.DefValue
			}
		}
	}
	t.Fatalf("no flag -%s.%s", analyzerName, flagName)
	return ""
}

// TestSARIFErrors: a type error is one line on stderr and exit 1, and the
// log is still written, saying that the execution failed.
func TestSARIFErrors(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e engineRun) {
		dir := sarifModule(t, map[string]string{
			"go.mod": "module broken.example\n\ngo 1.26\n",
			"bad.go": "package bad\n\nvar X int = \"not an int\"\n",
		})
		r := e.run(t, dir, "-format=sarif", "./...")
		if r.code != 1 {
			t.Errorf("exit code %d, want 1", r.code)
		}
		ls := lines(r.stderr)
		if len(ls) != 1 || !strings.HasPrefix(ls[0], "bad.go:3:") {
			t.Errorf("stderr %q, want one line with the type error at bad.go:3", r.stderr)
		}
		log := parseSARIF(t, []byte(r.stdout))
		inv := log.Runs[0].Invocations
		if len(inv) != 1 || inv[0].ExecutionSuccessful || len(inv[0].Notifications) != 1 || inv[0].Notifications[0].Level != "error" {
			t.Errorf("invocations %+v, want one, failed, with one error notification", inv)
		}
		if r := e.run(t, dir, "-format=sarif", "./nosuchdir/..."); r.code != 1 {
			t.Errorf("a pattern matching nothing: exit code %d, want 1 (stderr %q)", r.code, r.stderr)
		}
	})
}

// TestSARIFFingerprints: the fingerprint hashes the rule, the file and the
// line's text, not the line number, and counts repeats.
func TestSARIFFingerprints(t *testing.T) {
	dir := t.TempDir()
	src := "package p\n\nfunc f() {\n\tx()\n\tx()\n}\n"
	file := filepath.Join(dir, "p.go")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	a := analyzer.Rules()[0]
	at := func(line int) finding {
		p := position{file, line, 2}
		return finding{analyzer: a.Name, pos: p, end: p, message: "m"}
	}
	fps := func(fs ...finding) []string {
		report := buildSARIF(analyzer.Analyzers(), fs, newSARIFPaths(dir), nil)
		if n := len(report.Runs[0].Results); n != len(fs) {
			t.Fatalf("%d results, want %d", n, len(fs))
		}
		var out []string
		for _, r := range report.Runs[0].Results {
			out = append(out, r.PartialFingerprints["primaryLocationLineHash"])
		}
		return out
	}
	twice := fps(at(4), at(5))
	once := fps(at(5))
	if len(twice) != 2 || !strings.HasSuffix(twice[0], ":1") || twice[1] != strings.TrimSuffix(twice[0], ":1")+":2" {
		t.Errorf("two findings on identical lines: %q, want h:1 and h:2", twice)
	}
	if once[0] != twice[0] {
		t.Errorf("a finding moved to another line changed fingerprint: %q, then %q", twice[0], once[0])
	}

	// A file outside the current directory gets an absolute file URI.
	other := t.TempDir()
	report := buildSARIF(analyzer.Analyzers(), []finding{at(4)}, newSARIFPaths(other), nil)
	loc := report.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation
	if !strings.HasPrefix(loc.URI, "file:///") || loc.URIBaseID != "" {
		t.Errorf("a file outside the current directory: uri %q, uriBaseId %q", loc.URI, loc.URIBaseID)
	}
}
