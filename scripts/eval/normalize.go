//go:build ignore

// normalize is the evaluation's helper (scripts/eval/run.sh builds it).
//
//	normalize packages -pins "M@V ..." < (go list -e -json output)
//
// writes one "module@version<TAB>package<TAB>ok|load error: TEXT" line per
// package that belongs to a pinned module, sorted.
//
//	normalize findings -mods MODS -json OUT.json -errors ERRS > findings
//
// turns the JSON output of `teardown -json` into one sorted line per
// finding:
//
//	rule<TAB>module@version<TAB>relative/file.go:line<TAB>message
//
//	normalize report -findings FINDINGS -triage TRIAGE [-doc DOC]
//
// joins the findings with their triage (testdata/eval/triage.tsv) and
// prints the generated parts of docs/evaluation.md: the totals and
// precision per rule, and the table of findings. With -doc it replaces the
// text between DOC's "BEGIN GENERATED totals"/"table" markers instead. It exits 1 when
// a finding has no triage line or (without -subset) a triage line matches
// no finding.
//
// MODS has one "module version dir" a line (from go list -m), used to map
// a position in the module cache back to the module and a path relative
// to its root. A finding reported in several variants of a package (the
// package and its test variant) is written once. Analyzer errors
// (internal errors, panics) go to ERRS as
// "error<TAB>package<TAB>analyzer<TAB>text" lines; the derived "failed
// prerequisites" errors are left out. Per-rule counts go to stderr.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

type diag struct {
	Category string `json:"category"`
	Posn     string `json:"posn"`
	Message  string `json:"message"`
}

type module struct{ path, version, dir string }

type finding struct {
	rule, mod, file string
	line, col       int
	msg             string
}

var rules = []string{"writeclose", "unreadclose", "unflushedclose", "lingerzero", "lingerblock"}

func main() {
	if len(os.Args) < 2 {
		check(fmt.Errorf("usage: normalize packages|findings [flags]"))
	}
	cmd := os.Args[1]
	os.Args = os.Args[1:]
	switch cmd {
	case "packages":
		packages()
	case "findings":
		findings()
	case "report":
		report()
	default:
		check(fmt.Errorf("unknown command %q", cmd))
	}
}

func packages() {
	pins := flag.String("pins", "", "space-separated module@version list")
	flag.Parse()
	pinned := map[string]bool{}
	for _, p := range strings.Fields(*pins) {
		pinned[p] = true
	}
	dec := json.NewDecoder(os.Stdin)
	var lines []string
	for {
		var p struct {
			ImportPath string
			Module     *struct{ Path, Version string }
			Error      *struct{ Err string }
			DepsErrors []struct{ Err string }
		}
		if err := dec.Decode(&p); err != nil {
			if err.Error() == "EOF" {
				break
			}
			check(err)
		}
		if p.Module == nil || !pinned[p.Module.Path+"@"+p.Module.Version] {
			continue
		}
		var errs []string
		if p.Error != nil {
			errs = append(errs, p.Error.Err)
		}
		for _, e := range p.DepsErrors {
			errs = append(errs, e.Err)
		}
		status := "ok"
		if len(errs) > 0 {
			status = "load error: " + strings.Join(strings.Fields(strings.Join(errs, "; ")), " ")
		}
		lines = append(lines, p.Module.Path+"@"+p.Module.Version+"\t"+p.ImportPath+"\t"+status)
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
}

func findings() {
	modsFile := flag.String("mods", "", "file of \"module version dir\" lines")
	jsonFile := flag.String("json", "", "teardown -json output")
	errsFile := flag.String("errors", "", "where to write analyzer errors")
	flag.Parse()

	mods, err := readMods(*modsFile)
	check(err)
	data, err := os.ReadFile(*jsonFile)
	check(err)
	// The checker prints one JSON object per run; tolerate several.
	dec := json.NewDecoder(strings.NewReader(string(data)))
	seen := map[finding]bool{}
	var errs []string
	for {
		var out map[string]map[string]json.RawMessage
		if err := dec.Decode(&out); err != nil {
			if err.Error() == "EOF" {
				break
			}
			check(fmt.Errorf("%s: %v", *jsonFile, err))
		}
		for pkg, byAnalyzer := range out {
			for an, raw := range byAnalyzer {
				var e struct {
					Error string `json:"error"`
				}
				if json.Unmarshal(raw, &e) == nil && e.Error != "" {
					if !strings.HasPrefix(e.Error, "failed prerequisites") {
						errs = append(errs, fmt.Sprintf("error\t%s\t%s\t%s", pkg, an, strings.ReplaceAll(e.Error, "\n", "\\n")))
					}
					continue
				}
				var ds []diag
				check(json.Unmarshal(raw, &ds))
				for _, d := range ds {
					seen[normalize(d, mods)] = true
				}
			}
		}
	}

	var fs []finding
	for f := range seen {
		fs = append(fs, f)
	}
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		switch {
		case a.rule != b.rule:
			return a.rule < b.rule
		case a.mod != b.mod:
			return a.mod < b.mod
		case a.file != b.file:
			return a.file < b.file
		case a.line != b.line:
			return a.line < b.line
		case a.col != b.col:
			return a.col < b.col
		}
		return a.msg < b.msg
	})
	w := bufio.NewWriter(os.Stdout)
	counts := map[string]int{}
	var prev string
	for _, f := range fs {
		// The column is not part of the line, so two findings that
		// differ only in it collapse (the message still tells them apart).
		l := fmt.Sprintf("%s\t%s\t%s:%d\t%s", f.rule, f.mod, f.file, f.line, f.msg)
		if l == prev {
			continue
		}
		prev = l
		fmt.Fprintln(w, l)
		counts[f.rule]++
	}
	check(w.Flush())

	sort.Strings(errs)
	if *errsFile != "" {
		var b strings.Builder
		for _, e := range errs {
			b.WriteString(e + "\n")
		}
		check(os.WriteFile(*errsFile, []byte(b.String()), 0o644))
	}

	total := 0
	for _, r := range rules {
		fmt.Fprintf(os.Stderr, "  %-15s %d\n", r, counts[r])
		total += counts[r]
		delete(counts, r)
	}
	var other []string
	for r := range counts {
		other = append(other, r)
	}
	sort.Strings(other)
	for _, r := range other {
		fmt.Fprintf(os.Stderr, "  %-15s %d\n", r, counts[r])
		total += counts[r]
	}
	fmt.Fprintf(os.Stderr, "  %-15s %d\n", "total", total)
	if len(errs) > 0 {
		fmt.Fprintf(os.Stderr, "  analyzer errors: %d (see %s)\n", len(errs), *errsFile)
	}
}

func normalize(d diag, mods []module) finding {
	f := finding{rule: d.Category, msg: d.Message}
	file := d.Posn
	// posn is file:line:col.
	if i := strings.LastIndex(file, ":"); i > 0 {
		f.col, _ = strconv.Atoi(file[i+1:])
		file = file[:i]
		if j := strings.LastIndex(file, ":"); j > 0 {
			f.line, _ = strconv.Atoi(file[j+1:])
			file = file[:j]
		}
	}
	// The longest module directory that contains the file.
	best := -1
	for i, m := range mods {
		if rel, err := filepath.Rel(m.dir, file); err == nil && !strings.HasPrefix(rel, "..") {
			if best < 0 || len(m.dir) > len(mods[best].dir) {
				best = i
			}
		}
	}
	if best < 0 {
		f.mod, f.file = "?", file
		return f
	}
	m := mods[best]
	rel, _ := filepath.Rel(m.dir, file)
	f.mod, f.file = m.path+"@"+m.version, filepath.ToSlash(rel)
	return f
}

func readMods(name string) ([]module, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var mods []module
	for _, l := range strings.Split(string(data), "\n") {
		fs := strings.Fields(l)
		if len(fs) != 3 {
			continue
		}
		mods = append(mods, module{fs[0], fs[1], fs[2]})
	}
	return mods, nil
}

func check(err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "normalize: %v\n", err)
		os.Exit(1)
	}
}

// A triage line: a verdict on one finding.
type verdict struct {
	rule, mod, pos, ref string
	verdict, class      string
	reason              string
}

func (v verdict) key() string { return v.rule + "\t" + v.mod + "\t" + v.pos + "\t" + v.ref }

var lineRef = regexp.MustCompile(`line [0-9]+`)

// findingKey is the triage key of a findings line.
func findingKey(l string) (key string, fs []string) {
	fs = strings.SplitN(l, "\t", 4)
	if len(fs) != 4 {
		return "", nil
	}
	ref := "-"
	if m := lineRef.FindString(fs[3]); m != "" {
		ref = strings.TrimPrefix(m, "line ")
	}
	return fs[0] + "\t" + fs[1] + "\t" + fs[2] + "\t" + ref, fs
}

func report() {
	findingsFile := flag.String("findings", "", "normalized findings")
	triageFile := flag.String("triage", "", "triage lines")
	docFile := flag.String("doc", "", "document whose generated section to rewrite")
	subset := flag.Bool("subset", false, "the findings are a subset (e.g. without tests): verdicts without a finding are fine")
	flag.Parse()

	tri := map[string]verdict{}
	data, err := os.ReadFile(*triageFile)
	check(err)
	for i, l := range strings.Split(string(data), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Split(l, "\t")
		if len(f) != 7 {
			check(fmt.Errorf("%s:%d: want 7 tab-separated fields, got %d", *triageFile, i+1, len(f)))
		}
		v := verdict{f[0], f[1], f[2], f[3], f[4], f[5], f[6]}
		switch v.verdict {
		case "TP", "accepted", "FP":
		default:
			check(fmt.Errorf("%s:%d: verdict %q is not TP, accepted or FP", *triageFile, i+1, v.verdict))
		}
		if _, dup := tri[v.key()]; dup {
			check(fmt.Errorf("%s:%d: a second line for %s", *triageFile, i+1, v.key()))
		}
		tri[v.key()] = v
	}

	data, err = os.ReadFile(*findingsFile)
	check(err)
	var rows []verdict
	var missing []string
	used := map[string]bool{}
	for _, l := range strings.Split(string(data), "\n") {
		if l == "" {
			continue
		}
		k, fs := findingKey(l)
		if fs == nil {
			check(fmt.Errorf("%s: malformed line %q", *findingsFile, l))
		}
		v, ok := tri[k]
		if !ok {
			missing = append(missing, l)
			continue
		}
		if used[k] {
			check(fmt.Errorf("%s: two findings share the triage key %q", *findingsFile, k))
		}
		used[k] = true
		rows = append(rows, v)
	}
	var stale []string
	for k := range tri {
		if !used[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(stale)
	if *subset {
		stale = nil
	}

	var totals, table strings.Builder
	writeTotals(&totals, rows)
	writeTable(&table, rows)
	incomplete := len(missing) > 0 || len(stale) > 0
	if *docFile != "" && !incomplete {
		data, err := os.ReadFile(*docFile)
		check(err)
		doc := string(data)
		for _, sec := range []struct{ name, text string }{{"totals", totals.String()}, {"table", table.String()}} {
			begin := "<!-- BEGIN GENERATED " + sec.name + " (scripts/eval/run.sh -report) -->\n"
			end := "<!-- END GENERATED " + sec.name + " -->\n"
			i, j := strings.Index(doc, begin), strings.Index(doc, end)
			if i < 0 || j < i {
				check(fmt.Errorf("%s: no %q ... %q section", *docFile, strings.TrimSpace(begin), strings.TrimSpace(end)))
			}
			doc = doc[:i+len(begin)] + sec.text + doc[j:]
		}
		check(os.WriteFile(*docFile, []byte(doc), 0o644))
	} else if *docFile == "" {
		fmt.Print(totals.String() + table.String())
	}
	for _, l := range missing {
		fmt.Fprintf(os.Stderr, "untriaged finding: %s\n", l)
	}
	for _, k := range stale {
		fmt.Fprintf(os.Stderr, "triage line without a finding: %s\n", strings.ReplaceAll(k, "\t", " "))
	}
	if incomplete {
		fmt.Fprintf(os.Stderr, "%d findings without triage, %d stale triage lines\n", len(missing), len(stale))
		os.Exit(1)
	}
}

func isTestCode(file string) bool {
	return strings.HasSuffix(file, "_test.go") || strings.Contains("/"+file, "/examples/") ||
		strings.Contains("/"+file, "/internal/test")
}

func pct(n, d int) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(d))
}

func writeTotals(b *strings.Builder, rows []verdict) {
	type tally struct{ n, tp, acc, fp, libN, libOK int }
	by := map[string]*tally{}
	classes := map[string]map[string]int{}
	var total tally
	for _, v := range rows {
		t := by[v.rule]
		if t == nil {
			t = &tally{}
			by[v.rule] = t
		}
		for _, t := range []*tally{t, &total} {
			t.n++
			switch v.verdict {
			case "TP":
				t.tp++
			case "accepted":
				t.acc++
			case "FP":
				t.fp++
			}
			file, _, _ := strings.Cut(v.pos, ":")
			if !isTestCode(file) {
				t.libN++
				if v.verdict != "FP" {
					t.libOK++
				}
			}
		}
		if v.verdict == "FP" {
			if classes[v.rule] == nil {
				classes[v.rule] = map[string]int{}
			}
			classes[v.rule][v.class]++
		}
	}
	names := append([]string(nil), rules...)
	for r := range by {
		if !slices.Contains(names, r) {
			names = append(names, r)
		}
	}
	fmt.Fprintf(b, "\n| rule | findings | TP | accepted | FP | precision | non-test code: findings | non-test precision | FPs by class |\n")
	fmt.Fprintf(b, "|---|---:|---:|---:|---:|---:|---:|---:|---|\n")
	row := func(name string, t *tally, cls map[string]int) {
		var cs []string
		for c, n := range cls {
			cs = append(cs, fmt.Sprintf("%s %d", c, n))
		}
		sort.Strings(cs)
		fmt.Fprintf(b, "| %s | %d | %d | %d | %d | %s | %d | %s | %s |\n", name, t.n, t.tp, t.acc, t.fp,
			pct(t.tp+t.acc, t.n), t.libN, pct(t.libOK, t.libN), strings.Join(cs, ", "))
	}
	all := map[string]int{}
	for _, r := range names {
		t := by[r]
		if t == nil {
			t = &tally{}
		}
		row(r, t, classes[r])
		for c, n := range classes[r] {
			all[c] += n
		}
	}
	row("**all**", &total, all)
	fmt.Fprintf(b, "\nPrecision is (TP + accepted) / findings; \"non-test code\" leaves out `_test.go` files and `examples/` and `internal/test*` directories.\n\n")
}

func writeTable(b *strings.Builder, rows []verdict) {
	fmt.Fprintf(b, "| # | rule | finding | verdict | class | reasoning |\n|---:|---|---|---|---|---|\n")
	for i, v := range rows {
		file, line, _ := strings.Cut(v.pos, ":")
		loc := fmt.Sprintf("[%s %s](%s)", v.mod, v.pos, sourceURL(v.mod, file, line))
		if v.ref != "-" {
			loc += fmt.Sprintf(" (line %s)", v.ref)
		}
		class := v.class
		if class == "-" {
			class = ""
		}
		fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s |\n", i+1, v.rule, loc, v.verdict, class,
			strings.ReplaceAll(v.reason, "|", "\\|"))
	}
}

// sourceURL links a file of a module version on its forge.
func sourceURL(modver, file, line string) string {
	mod, ver, _ := strings.Cut(modver, "@")
	ref := ver
	// A pseudo-version ends in the commit's 12-hex-digit prefix.
	if i := strings.LastIndex(ver, "-"); i > 0 && len(ver)-i-1 == 12 && strings.Count(ver, "-") >= 2 {
		ref = ver[i+1:]
	}
	ref = strings.TrimSuffix(ref, "+incompatible")
	repo, sub := mod, ""
	switch {
	case strings.HasPrefix(mod, "golang.org/x/"):
		name := strings.TrimPrefix(mod, "golang.org/x/")
		name, sub, _ = strings.Cut(name, "/")
		repo = "github.com/golang/" + name
	case strings.HasPrefix(mod, "github.com/"):
		parts := strings.SplitN(mod, "/", 4)
		if len(parts) == 4 {
			sub = parts[3]
		}
		repo = strings.Join(parts[:3], "/")
	}
	path := file
	if sub != "" && !isMajorSuffix(sub) {
		path = sub + "/" + file
	}
	return fmt.Sprintf("https://%s/blob/%s/%s#L%s", repo, ref, path, line)
}

func isMajorSuffix(s string) bool {
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	_, err := strconv.Atoi(s[1:])
	return err == nil
}
