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
//	normalize report -findings CONFIG=FINDINGS... -triage TRIAGE [-subset] [-doc DOC -packages PACKAGES -modules MODULES]
//
// joins the findings of one or more configurations (default, tests,
// framed, tests-framed: see scripts/eval/run.sh) with their triage
// (testdata/eval/triage.tsv) and prints the generated parts of
// docs/evaluation.md: the totals and precision per rule of the default and
// the tests configuration, what -unreadclose.framed adds, the findings
// per module, and the table of all findings. With -doc it replaces the
// text between DOC's "BEGIN GENERATED name"/"END GENERATED name" markers
// instead (every section, so it needs all four configurations). It exits 1
// when a finding has no triage line or (without -subset) a triage line
// matches no finding of any configuration given.
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

	"github.com/teardownlint/teardown/internal/suite"
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

// rules are the rule names, in the order of the documentation.
var rules = suite.Names()

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

// The evaluation's configurations (scripts/eval/run.sh), each with its
// findings file in testdata/eval: the teardown flags that select it.
var configs = []struct{ name, flags, file string }{
	{"default", "", "findings.txt"},
	{"tests", "-connflow.tests", "findings-tests.txt"},
	{"framed", "-unreadclose.framed", "findings-framed.txt"},
	{"tests-framed", "-connflow.tests -unreadclose.framed", "findings-tests-framed.txt"},
}

// A findings file of one configuration, as triage keys.
type configFindings struct {
	name string
	keys []string
	has  map[string]bool
}

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func report() {
	var files listFlag
	flag.Var(&files, "findings", "CONFIG=FILE: the normalized findings of a configuration (repeatable; CONFIG is one of default, tests, framed, tests-framed)")
	triageFile := flag.String("triage", "", "triage lines")
	docFile := flag.String("doc", "", "document whose generated sections to rewrite")
	subset := flag.Bool("subset", false, "the findings are not all configurations: verdicts without a finding are fine")
	pkgFile := flag.String("packages", "", "the package list (packages.txt), for the modules section")
	modFile := flag.String("modules", "", "scripts/eval/modules.txt: which configurations analyze each module (modules section)")
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
		if (v.verdict == "FP") != (v.class != "-") {
			check(fmt.Errorf("%s:%d: an FP needs a class, and only an FP has one", *triageFile, i+1))
		}
		if _, dup := tri[v.key()]; dup {
			check(fmt.Errorf("%s:%d: a second line for %s", *triageFile, i+1, v.key()))
		}
		tri[v.key()] = v
	}

	byName := map[string]*configFindings{}
	var order []*configFindings
	var missing []string
	missed := map[string]bool{}
	used := map[string]bool{}
	for _, arg := range files {
		name, file, ok := strings.Cut(arg, "=")
		if !ok {
			name, file = "default", arg
		}
		if byName[name] != nil {
			check(fmt.Errorf("-findings %s given twice", name))
		}
		cf := &configFindings{name: name, has: map[string]bool{}}
		byName[name] = cf
		order = append(order, cf)
		data, err := os.ReadFile(file)
		check(err)
		for _, l := range strings.Split(string(data), "\n") {
			if l == "" {
				continue
			}
			k, fs := findingKey(l)
			if fs == nil {
				check(fmt.Errorf("%s: malformed line %q", file, l))
			}
			if cf.has[k] {
				check(fmt.Errorf("%s: two findings share the triage key %q", file, k))
			}
			cf.has[k] = true
			cf.keys = append(cf.keys, k)
			if _, ok := tri[k]; !ok {
				if !missed[l] {
					missing = append(missing, l)
				}
				missed[l] = true
				continue
			}
			used[k] = true
		}
	}
	var stale []string
	if !*subset {
		for k := range tri {
			if !used[k] {
				stale = append(stale, k)
			}
		}
		sort.Strings(stale)
	}
	incomplete := len(missing) > 0 || len(stale) > 0

	rowsOf := func(cf *configFindings) []verdict {
		var rows []verdict
		for _, k := range cf.keys {
			rows = append(rows, tri[k])
		}
		return rows
	}
	need := func(names ...string) []*configFindings {
		var cfs []*configFindings
		for _, n := range names {
			if byName[n] == nil {
				return nil
			}
			cfs = append(cfs, byName[n])
		}
		return cfs
	}
	type section struct {
		name  string
		needs []string
		gen   func(b *strings.Builder, cfs []*configFindings)
	}
	sections := []section{
		{"totals", []string{"default"}, func(b *strings.Builder, cfs []*configFindings) { writeTotals(b, rowsOf(cfs[0])) }},
		{"totals-tests", []string{"tests"}, func(b *strings.Builder, cfs []*configFindings) { writeTotals(b, rowsOf(cfs[0])) }},
		{"framed", []string{"default", "framed", "tests", "tests-framed"}, func(b *strings.Builder, cfs []*configFindings) {
			writeFramed(b, tri, [][2]*configFindings{{cfs[0], cfs[1]}, {cfs[2], cfs[3]}}, defaultOnlyModules(*modFile))
		}},
		{"modules", []string{"default", "tests", "tests-framed"}, func(b *strings.Builder, cfs []*configFindings) {
			writeModules(b, tri, *pkgFile, *modFile, cfs)
		}},
		{"table", nil, func(b *strings.Builder, _ []*configFindings) { writeTable(b, tri, order) }},
	}
	if !incomplete {
		var doc string
		if *docFile != "" {
			data, err := os.ReadFile(*docFile)
			check(err)
			doc = string(data)
		}
		for _, sec := range sections {
			if sec.name == "modules" && *pkgFile == "" && *docFile == "" {
				continue
			}
			cfs := need(sec.needs...)
			if len(sec.needs) > 0 && cfs == nil {
				if *docFile != "" && strings.Contains(doc, "<!-- BEGIN GENERATED "+sec.name+" ") {
					check(fmt.Errorf("section %s needs the findings of %s", sec.name, strings.Join(sec.needs, ", ")))
				}
				continue
			}
			var b strings.Builder
			sec.gen(&b, cfs)
			if *docFile == "" {
				fmt.Printf("<!-- %s -->\n%s\n", sec.name, b.String())
				continue
			}
			begin := "<!-- BEGIN GENERATED " + sec.name + " (scripts/eval/run.sh -report) -->\n"
			end := "<!-- END GENERATED " + sec.name + " -->\n"
			i, j := strings.Index(doc, begin), strings.Index(doc, end)
			if i < 0 || j < i {
				check(fmt.Errorf("%s: no %q ... %q section", *docFile, strings.TrimSpace(begin), strings.TrimSpace(end)))
			}
			doc = doc[:i+len(begin)] + b.String() + doc[j:]
		}
		if *docFile != "" {
			check(os.WriteFile(*docFile, []byte(doc), 0o644))
		}
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

func isTestFile(file string) bool { return strings.HasSuffix(file, "_test.go") }

func pct(n, d int) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(d))
}

type tally struct{ n, inTest, tp, acc, fp int }

func (t *tally) add(v verdict) {
	t.n++
	switch v.verdict {
	case "TP":
		t.tp++
	case "accepted":
		t.acc++
	case "FP":
		t.fp++
	}
	if file, _, _ := strings.Cut(v.pos, ":"); isTestFile(file) {
		t.inTest++
	}
}

func (t *tally) precision() string { return pct(t.tp+t.acc, t.n) }

func classList(cls map[string]int) string {
	var cs []string
	for c, n := range cls {
		cs = append(cs, fmt.Sprintf("%s %d", c, n))
	}
	sort.Strings(cs)
	return strings.Join(cs, ", ")
}

func writeTotals(b *strings.Builder, rows []verdict) {
	by := map[string]*tally{}
	classes := map[string]map[string]int{}
	var total tally
	for _, v := range rows {
		t := by[v.rule]
		if t == nil {
			t = &tally{}
			by[v.rule] = t
		}
		t.add(v)
		total.add(v)
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
	fmt.Fprintf(b, "\n| rule | findings | in _test.go | TP | accepted | FP | precision | FPs by class |\n")
	fmt.Fprintf(b, "|---|---:|---:|---:|---:|---:|---:|---|\n")
	row := func(name string, t *tally, cls map[string]int) {
		fmt.Fprintf(b, "| %s | %d | %d | %d | %d | %d | %s | %s |\n", name, t.n, t.inTest, t.tp, t.acc, t.fp,
			t.precision(), classList(cls))
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
	fmt.Fprintf(b, "\nPrecision is (TP + accepted) / findings.\n\n")
}

// writeFramed compares each configuration with its -unreadclose.framed
// twin: what the flag adds, and the precision with and without it, over
// the modules both analyze (the framed configurations leave out the
// modules that modules.txt marks "default", defaultOnly).
func writeFramed(b *strings.Builder, tri map[string]verdict, pairs [][2]*configFindings, defaultOnly map[string]bool) {
	fmt.Fprintf(b, "\n| configuration | unreadclose findings | with `-unreadclose.framed` | added | added TP | added accepted | added FP | added FPs by class | unreadclose precision | with the flag | all rules precision | with the flag |\n")
	fmt.Fprintf(b, "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n")
	var notes []string
	for _, p := range pairs {
		base, flagged := p[0], p[1]
		var without, with, added, allWithout, allWith tally
		cls := map[string]int{}
		var baseKeys []string
		for _, k := range base.keys {
			if !defaultOnly[tri[k].mod] {
				baseKeys = append(baseKeys, k)
			}
		}
		for _, k := range baseKeys {
			v := tri[k]
			allWithout.add(v)
			if v.rule == "unreadclose" {
				without.add(v)
			}
		}
		for _, k := range flagged.keys {
			v := tri[k]
			allWith.add(v)
			if v.rule == "unreadclose" {
				with.add(v)
			}
			if !base.has[k] {
				added.add(v)
				if v.verdict == "FP" {
					cls[v.class]++
				}
				if v.rule != "unreadclose" {
					notes = append(notes, fmt.Sprintf("%s: the flag adds a %s finding (%s %s)", base.name, v.rule, v.mod, v.pos))
				}
			}
		}
		for _, k := range baseKeys {
			if !flagged.has[k] {
				v := tri[k]
				notes = append(notes, fmt.Sprintf("%s: the flag removes a %s finding (%s %s)", base.name, v.rule, v.mod, v.pos))
			}
		}
		fmt.Fprintf(b, "| %s | %d | %d | %d | %d | %d | %d | %s | %s | %s | %s | %s |\n", base.name, without.n, with.n, added.n,
			added.tp, added.acc, added.fp, classList(cls), without.precision(), with.precision(),
			allWithout.precision(), allWith.precision())
	}
	if len(notes) == 0 {
		notes = append(notes, "The flag changes no finding of another rule, and removes none.")
	}
	b.WriteString("\n")
	for _, n := range notes {
		fmt.Fprintf(b, "%s\n", n)
	}
	b.WriteString("\n")
}

// defaultOnlyModules returns the modules (module@version) that modules.txt
// leaves to the default configuration; none without the file.
func defaultOnlyModules(modFile string) map[string]bool {
	defaultOnly := map[string]bool{}
	if modFile == "" {
		return defaultOnly
	}
	data, err := os.ReadFile(modFile)
	check(err)
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 4 && !strings.HasPrefix(f[0], "#") && f[3] == "default" {
			defaultOnly[f[0]+"@"+f[1]] = true
		}
	}
	return defaultOnly
}

// writeModules counts the packages and the verdicts of each module in
// the given configurations ("not run" where modules.txt leaves the
// module to the default configuration), with a total.
func writeModules(b *strings.Builder, tri map[string]verdict, pkgFile, modFile string, cfs []*configFindings) {
	if pkgFile == "" {
		check(fmt.Errorf("the modules section needs -packages"))
	}
	defaultOnly := defaultOnlyModules(modFile)
	data, err := os.ReadFile(pkgFile)
	check(err)
	var mods []string
	npkg := map[string]int{}
	for _, l := range strings.Split(string(data), "\n") {
		if m, _, ok := strings.Cut(l, "\t"); ok {
			if npkg[m] == 0 {
				mods = append(mods, m)
			}
			npkg[m]++
		}
	}
	fmt.Fprintf(b, "\n| module | version | packages |")
	for _, cf := range cfs {
		fmt.Fprintf(b, " %s: findings | TP + accepted |", cf.name)
	}
	fmt.Fprintf(b, "\n|---|---|---:|%s\n", strings.Repeat("---:|---:|", len(cfs)))
	totals := make([]tally, len(cfs))
	npkgs, nmods := 0, make([]int, len(cfs))
	for _, m := range mods {
		path, ver, _ := strings.Cut(m, "@")
		fmt.Fprintf(b, "| %s | %s | %d |", path, ver, npkg[m])
		npkgs += npkg[m]
		for i, cf := range cfs {
			if cf.name != "default" && defaultOnly[m] {
				fmt.Fprintf(b, " not run | – |")
				continue
			}
			nmods[i]++
			var t tally
			for _, k := range cf.keys {
				if v := tri[k]; v.mod == m {
					t.add(v)
					totals[i].add(v)
				}
			}
			if t.n == 0 {
				fmt.Fprintf(b, " 0 | – |")
				continue
			}
			fmt.Fprintf(b, " %d | %d |", t.n, t.tp+t.acc)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "| **all** | %d modules | %d |", len(mods), npkgs)
	for i := range cfs {
		fmt.Fprintf(b, " %d (%d modules) | %d |", totals[i].n, nmods[i], totals[i].tp+totals[i].acc)
	}
	b.WriteString("\n\n")
}

// writeTable lists every finding of every configuration once, with the
// flags it needs to be reported.
func writeTable(b *strings.Builder, tri map[string]verdict, cfs []*configFindings) {
	in := map[string]map[string]bool{}
	var keys []string
	for _, cf := range cfs {
		for _, k := range cf.keys {
			if in[k] == nil {
				in[k] = map[string]bool{}
				keys = append(keys, k)
			}
			in[k][cf.name] = true
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := tri[keys[i]], tri[keys[j]]
		if a.rule != b.rule {
			return a.rule < b.rule
		}
		if a.mod != b.mod {
			return a.mod < b.mod
		}
		af, al, _ := strings.Cut(a.pos, ":")
		bf, bl, _ := strings.Cut(b.pos, ":")
		if af != bf {
			return af < bf
		}
		ai, _ := strconv.Atoi(al)
		bi, _ := strconv.Atoi(bl)
		if ai != bi {
			return ai < bi
		}
		return a.ref < b.ref
	})
	fmt.Fprintf(b, "| # | rule | finding | needs | verdict | class | reasoning |\n|---:|---|---|---|---|---|---|\n")
	for i, k := range keys {
		v := tri[k]
		file, line, _ := strings.Cut(v.pos, ":")
		loc := fmt.Sprintf("[%s %s](%s)", v.mod, v.pos, sourceURL(v.mod, file, line))
		if v.ref != "-" {
			loc += fmt.Sprintf(" (line %s)", v.ref)
		}
		class := v.class
		if class == "-" {
			class = ""
		}
		needs := "?"
		for _, c := range configs {
			if in[k][c.name] {
				needs = "–"
				if c.flags != "" {
					needs = "`" + strings.ReplaceAll(c.flags, " ", "` `") + "`"
				}
				break
			}
		}
		fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s | %s |\n", i+1, v.rule, loc, needs, v.verdict, class,
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
