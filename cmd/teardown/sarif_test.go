package main

// Tests of -format=sarif: runSARIF runs in-process on small modules
// written to temporary directories, and its output is checked field by
// field and against the official SARIF 2.1.0 schema (embedded in
// go-sarif, through Report.Validate).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
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

// sarifModule writes files into a new temporary directory, makes it the
// current directory (runSARIF loads packages from there), and gives
// go/packages the test's go command.
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
	t.Chdir(dir)
	t.Setenv("PATH", filepath.Dir(goCmd)+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("GOTOOLCHAIN", "local")
	t.Setenv("GOWORK", "off")
	return dir
}

// parseSARIF decodes out into the test's view of a log, and validates
// it against the official schema, checking first that the document
// Validate sees is exactly out (FromBytes fills in fields a foreign log
// may lack; ours must need none).
func parseSARIF(t *testing.T, out []byte) *sarifLog {
	t.Helper()
	report, err := sarif.FromBytes(out)
	if err != nil {
		t.Fatalf("sarif.FromBytes: %v\n%s", err, out)
	}
	again, err := json.Marshal(report)
	if err != nil {
		t.Fatal(err)
	}
	var raw, round any
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(again, &round); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(raw, round) {
		t.Errorf("go-sarif does not round-trip the output: Validate would not check what we wrote\nwrote:   %s\nchecked: %s", out, again)
	}
	if err := report.Validate(); err != nil {
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

func TestSARIFWants(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"-format=sarif", "./..."}, true},
		{[]string{"--format=sarif", "./..."}, true},
		{[]string{"-format", "sarif", "./..."}, true},
		{[]string{"--format", "sarif", "./..."}, true},
		{[]string{"-lingerzero=false", "-o", "x.sarif", "-format=sarif", "./..."}, true},
		{[]string{"./..."}, false},
		{[]string{"-json", "./..."}, false},
		{[]string{"-format=text", "./..."}, false},
		{[]string{"-format"}, false},
		{[]string{"-formats=sarif", "./..."}, false},
		{[]string{"sarif", "-format"}, false},
		{[]string{"--", "-format=sarif"}, false},
		{nil, false},
	} {
		if got := wantsSARIF(tc.args); got != tc.want {
			t.Errorf("wantsSARIF(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

func TestSARIFUsageErrors(t *testing.T) {
	var help, helpErr bytes.Buffer
	if code := runSARIF([]string{"-format=sarif", "-h"}, &help, &helpErr); code != 0 || helpErr.Len() > 0 ||
		!strings.Contains(help.String(), "-writeclose.helper") || !strings.Contains(help.String(), "-o string") {
		t.Errorf("-h: exit code %d, stderr %q, stdout %q; want 0 and the flags on stdout", code, helpErr.String(), help.String())
	}
	for _, tc := range []struct {
		args []string
		want string // in the single line on stderr
	}{
		{[]string{"-format=sarif", "-nosuchflag", "./..."}, "flag provided but not defined: -nosuchflag"},
		{[]string{"-format=sarif"}, "no packages to analyze"},
		{[]string{"-format=sarif", "-format=xml", "./..."}, "unsupported -format=xml"},
		{[]string{"./...", "-format=sarif"}, "flag -format=sarif after the package patterns"},
		{[]string{"-format=sarif", "-lingerzero=maybe", "./..."}, "invalid boolean value"},
	} {
		var stdout, stderr bytes.Buffer
		code := runSARIF(tc.args, &stdout, &stderr)
		if code != 2 {
			t.Errorf("runSARIF(%q) = %d, want 2", tc.args, code)
		}
		if ls := lines(stderr.String()); len(ls) != 1 || !strings.Contains(ls[0], tc.want) || !strings.HasPrefix(ls[0], "teardown: ") {
			t.Errorf("runSARIF(%q): stderr %q, want one line with %q", tc.args, stderr.String(), tc.want)
		}
		if stdout.Len() > 0 {
			t.Errorf("runSARIF(%q) wrote to stdout: %q", tc.args, stdout.String())
		}
	}
}

func TestSARIFSelect(t *testing.T) {
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
		enabled := map[*analysis.Analyzer]*sarifEnable{}
		for _, a := range all {
			enabled[a] = new(sarifEnable)
			if v, ok := tc.set[a.Name]; ok {
				if err := enabled[a].Set(v); err != nil {
					t.Fatal(err)
				}
			}
		}
		if got := named(selectSARIFAnalyzers(all, enabled)); !slices.Equal(got, tc.want) {
			t.Errorf("flags %v select %v, want %v", tc.set, got, tc.want)
		}
	}
}

// TestSARIFOutput is the whole path: load, analysis, SARIF, exit code.
func TestSARIFOutput(t *testing.T) {
	dir := sarifModule(t, sarifDemo)
	var stdout, stderr bytes.Buffer
	code := runSARIF([]string{"-format=sarif", "-test", "-o", "out.sarif", "./..."}, &stdout, &stderr)
	if code != 3 {
		t.Errorf("exit code %d, want 3 (findings)", code)
	}
	if stderr.Len() > 0 || stdout.Len() > 0 {
		t.Errorf("with -o, stdout %q and stderr %q should be empty", stdout.String(), stderr.String())
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
	if d.Name != "teardown" || d.Version == "" || d.InformationURI != sarifInformationURI {
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
	report, err := sarif.FromBytes(bad)
	if err != nil {
		t.Fatal(err)
	}
	if err := report.Validate(); err == nil || !strings.Contains(err.Error(), "level") {
		t.Errorf(`Validate of a result with level "high" = %v, want a schema error about level`, err)
	}
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
// default, as the flag values are shared) is accepted. As in the text
// mode, test files are not loaded unless -test or -connflow.tests: the
// broken one here would fail the run.
func TestSARIFClean(t *testing.T) {
	sarifModule(t, map[string]string{
		"go.mod":        "module clean.example\n\ngo 1.26\n",
		"clean.go":      "package clean\n\n// Answer is 42.\nfunc Answer() int { return 42 }\n",
		"clean_test.go": "package clean\n\nvar broken int = \"not an int\"\n",
	})
	resetTests := func() { // -connflow.tests sets connflow's own variable
		for _, a := range analyzer.Analyzers() {
			if f := a.Flags.Lookup("tests"); a.Name == "connflow" && f != nil {
				f.Value.Set(f.DefValue)
			}
		}
	}
	t.Cleanup(resetTests)
	for _, args := range [][]string{
		{"-format=sarif", "-test", "./..."},
		{"-format=sarif", "-connflow.tests", "./..."},
	} {
		var stdout, stderr bytes.Buffer
		if code := runSARIF(args, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "clean_test.go:3:") {
			t.Errorf("runSARIF(%q) = %d, stderr %q; want 1 and the error in clean_test.go", args, code, stderr.String())
		}
		resetTests()
	}
	var stdout, stderr bytes.Buffer
	code := runSARIF([]string{"--format", "sarif", "-connflow.maxblocks=" + analyzerFlagDefault(t, "connflow", "maxblocks"), "./..."}, &stdout, &stderr)
	if code != 0 || stderr.Len() > 0 {
		t.Errorf("exit code %d, stderr %q; want 0 and nothing", code, stderr.String())
	}
	if !bytes.Contains(stdout.Bytes(), []byte(`"results": []`)) {
		t.Errorf("no empty results array in\n%s", stdout.Bytes())
	}
	if log := parseSARIF(t, stdout.Bytes()); len(log.Runs[0].Results) != 0 {
		t.Errorf("%d results, want 0", len(log.Runs[0].Results))
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
	sarifModule(t, map[string]string{
		"go.mod": "module broken.example\n\ngo 1.26\n",
		"bad.go": "package bad\n\nvar X int = \"not an int\"\n",
	})
	var stdout, stderr bytes.Buffer
	code := runSARIF([]string{"-format=sarif", "./..."}, &stdout, &stderr)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	ls := lines(stderr.String())
	if len(ls) != 1 || !strings.Contains(ls[0], "bad.go:3:") {
		t.Errorf("stderr %q, want one line with the type error at bad.go:3", stderr.String())
	}
	log := parseSARIF(t, stdout.Bytes())
	inv := log.Runs[0].Invocations
	if len(inv) != 1 || inv[0].ExecutionSuccessful || len(inv[0].Notifications) != 1 || inv[0].Notifications[0].Level != "error" {
		t.Errorf("invocations %+v, want one, failed, with one error notification", inv)
	}

	stderr.Reset()
	stdout.Reset()
	if code := runSARIF([]string{"-format=sarif", "./nosuchdir/..."}, &stdout, &stderr); code != 1 {
		t.Errorf("a pattern matching nothing: exit code %d, want 1 (stderr %q)", code, stderr.String())
	}
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
	at := func(line int) sarifFinding {
		p := token.Position{Filename: file, Line: line, Column: 2}
		return sarifFinding{analyzer: a, pos: p, end: p, message: "m"}
	}
	fps := func(fs ...sarifFinding) []string {
		report, n := buildSARIF(analyzer.Analyzers(), fs, newSARIFPaths(dir), nil)
		if n != len(fs) {
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
	report, _ := buildSARIF(analyzer.Analyzers(), []sarifFinding{at(4)}, newSARIFPaths(other), nil)
	loc := report.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation
	if !strings.HasPrefix(*loc.URI, "file:///") || loc.URIBaseID != nil {
		t.Errorf("a file outside the current directory: uri %q, uriBaseId %v", *loc.URI, loc.URIBaseID)
	}
}
