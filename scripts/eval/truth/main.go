// Command truth is the driver of the evaluation's truth instruments; run
// it through scripts/eval/truth.sh, which builds it and the vet tool
// (scripts/eval/truth/vettool: teardown plus the probe) and makes the
// scratch modules.
//
//	truth judged DIR=VETJSON...                > judged.tsv
//	truth mutate -vettool VT DIR=VETJSON...    > mutants.tsv
//	truth report -judged judged.tsv -mutants mutants.tsv [-doc evaluation.md]
//
// DIR is a scratch module made by truth.sh for one group of
// scripts/eval/modules.txt: it requires the group's modules and replaces
// each corpus module by a writable copy without its _test.go files (so
// that go vet analyzes library code only, as teardown's default
// configuration does). DIR/mods.txt has its build list ("module version
// dir" lines). VETJSON is the output of `go vet -vettool=VT -json
// -truthprobe.sites` over the group's packages in DIR.
//
// judged writes one line per Close of a socket in library code:
//
//	module@version  file:line  shape  type  reason
//
// where reason is "judged" or why the model does not judge it.
//
// mutate makes, for every mutation site, a mutant in the copy of its
// module (never in the module cache, never in the repository), runs the
// vet tool on the mutant's package, restores the copy, and writes one line
// per site:
//
//	op  rule  shape  module@version  file:line  status  detail
//
// status is caught (the rule reported at that Close or SetLinger),
// missed (detail: the model's reason), excluded (the rule already reported
// there before the mutation, the Close was not correct to begin with, or
// the file is generated, where teardown reports nothing),
// invalid (the mutant does not type-check) or error (the vet run failed).
// Mutants of one package run together when they are in different
// functions none of which calls another (transitively, in the package).
//
// report prints (or, with -doc, writes between the "BEGIN GENERATED
// recall" and "BEGIN GENERATED judged" markers) the tables of
// docs/evaluation.md.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/teardownlint/teardown/scripts/eval/truth/probe"
)

func main() {
	if len(os.Args) < 2 {
		fatalf("usage: truth judged|mutate|report [flags] ...")
	}
	cmd, args := os.Args[1], os.Args[2:]
	var err error
	switch cmd {
	case "judged":
		err = judged(args, os.Stdout)
	case "mutate":
		err = mutate(args, os.Stdout)
	case "report":
		err = report(args, os.Stdout)
	default:
		err = fmt.Errorf("unknown command %q", cmd)
	}
	if err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "truth: "+format+"\n", args...)
	os.Exit(1)
}

// The probe's records and edits (scripts/eval/truth/probe).
type (
	record = probe.Record
	edit   = probe.Edit
)

// apply makes a mutant: src with the edits applied.
var apply = probe.Apply

// A diag is one diagnostic of a vet run.
type diag struct {
	pkg      string // package path, without a test variant's suffix
	test     bool   // from a test variant
	analyzer string
	file     string
	line     int
	col      int
	category string
	message  string
}

// readVet parses the JSON that `go vet -json` prints (one object per
// package), and the analyzer errors in it.
func readVet(data []byte) (ds []diag, errs []string, err error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var out map[string]map[string]json.RawMessage
		if err := dec.Decode(&out); err == io.EOF {
			break
		} else if err != nil {
			return nil, nil, err
		}
		for id, byAn := range out {
			pkg, _, test := strings.Cut(id, " ")
			for an, raw := range byAn {
				var e struct{ Error string }
				if json.Unmarshal(raw, &e) == nil && e.Error != "" {
					errs = append(errs, id+": "+an+": "+e.Error)
					continue
				}
				var list []struct{ Category, Posn, Message string }
				if err := json.Unmarshal(raw, &list); err != nil {
					return nil, nil, err
				}
				for _, d := range list {
					file, line, col := splitPosn(d.Posn)
					ds = append(ds, diag{pkg, test, an, file, line, col, d.Category, d.Message})
				}
			}
		}
	}
	return ds, errs, nil
}

func splitPosn(p string) (file string, line, col int) {
	i := strings.LastIndex(p, ":")
	j := strings.LastIndex(p[:max(i, 0)], ":")
	if i < 0 || j < 0 {
		return p, 0, 0
	}
	line, _ = strconv.Atoi(p[j+1 : i])
	col, _ = strconv.Atoi(p[i+1:])
	return p[:j], line, col
}

// A module of a scratch module's build list.
type module struct{ path, version, dir string }

func (m module) id() string { return m.path + "@" + m.version }

func readMods(name string) ([]module, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var mods []module
	for _, l := range strings.Split(string(data), "\n") {
		if fs := strings.Fields(l); len(fs) == 3 {
			mods = append(mods, module{fs[0], fs[1], fs[2]})
		}
	}
	return mods, nil
}

// moduleOf returns the module whose directory holds file (the longest).
func moduleOf(mods []module, file string) (module, string, bool) {
	best, rel := -1, ""
	for i, m := range mods {
		if r, err := filepath.Rel(m.dir, file); err == nil && !strings.HasPrefix(r, "..") {
			if best < 0 || len(m.dir) > len(mods[best].dir) {
				best, rel = i, filepath.ToSlash(r)
			}
		}
	}
	if best < 0 {
		return module{}, "", false
	}
	return mods[best], rel, true
}

// A group is a scratch module and its original vet run.
type group struct {
	dir  string
	mods []module
	vet  []diag
}

func readGroups(args []string) ([]*group, error) {
	var gs []*group
	for _, a := range args {
		dir, file, ok := strings.Cut(a, "=")
		if !ok {
			return nil, fmt.Errorf("want DIR=VETJSON, got %q", a)
		}
		mods, err := readMods(filepath.Join(dir, "mods.txt"))
		if err != nil {
			return nil, err
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		ds, errs, err := readVet(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", file, err)
		}
		if len(errs) > 0 {
			return nil, fmt.Errorf("%s: analyzer errors:\n%s", file, strings.Join(errs, "\n"))
		}
		gs = append(gs, &group{dir, mods, ds})
	}
	return gs, nil
}

// probeRecords returns the probe's records of one kind, deduplicated by
// file and offset (a package and its test variant both report them; the
// package's own record wins).
func probeRecords(ds []diag, kind string) []probeRec {
	byKey := map[string]probeRec{}
	var keys []string
	for _, d := range ds {
		if d.analyzer != "truthprobe" || d.category != kind {
			continue
		}
		var r record
		if err := json.Unmarshal([]byte(d.message), &r); err != nil {
			continue
		}
		k := fmt.Sprintf("%s\x00%d\x00%s", d.file, r.Off, r.Op)
		old, seen := byKey[k]
		if !seen {
			keys = append(keys, k)
		}
		if !seen || old.d.test && !d.test {
			byKey[k] = probeRec{d, r}
		}
	}
	sort.Strings(keys)
	out := make([]probeRec, len(keys))
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out
}

type probeRec struct {
	d diag
	r record
}

func judged(args []string, w io.Writer) error {
	gs, err := readGroups(args)
	if err != nil {
		return err
	}
	var lines []string
	seen := map[string]bool{}
	for _, g := range gs {
		for _, pr := range probeRecords(g.vet, "close") {
			m, rel, ok := moduleOf(g.mods, pr.d.file)
			if !ok {
				continue
			}
			l := strings.Join([]string{m.id(), fmt.Sprintf("%s:%d", rel, pr.d.line), pr.r.Shape, pr.r.Type, pr.r.Reason}, "\t")
			if !seen[l] {
				seen[l] = true
				lines = append(lines, l)
			}
		}
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	return nil
}

// ---- mutate ----

type mutSite struct {
	g       *group
	m       module
	rel     string // file, relative to the module
	file    string // absolute, in the module cache
	pkg     string
	r       record
	status  string
	detail  string
	line    int // of the Close or SetLinger, in the original
	batched bool
}

func mutate(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("mutate", flag.ContinueOnError)
	vettool := fs.String("vettool", "", "the vet tool (teardown plus the probe)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *vettool == "" {
		return errors.New("mutate needs -vettool")
	}
	gs, err := readGroups(fs.Args())
	if err != nil {
		return err
	}
	var sites []*mutSite
	for _, g := range gs {
		orig := map[string]bool{} // rule, file:line:col
		for _, d := range g.vet {
			orig[fmt.Sprintf("%s\x00%s:%d:%d", d.analyzer, d.file, d.line, d.col)] = true
		}
		for _, pr := range probeRecords(g.vet, "site") {
			m, rel, ok := moduleOf(g.mods, pr.d.file)
			if !ok {
				continue
			}
			s := &mutSite{g: g, m: m, rel: rel, file: pr.d.file, pkg: pr.d.pkg, r: pr.r}
			src, err := os.ReadFile(s.file)
			if err != nil {
				return err
			}
			s.line = lineCol(src, pr.r.Target)[0]
			starts := callStarts(src)
			reportedAt := func(rules []string, offs []int) string {
				for _, o := range offs {
					lcs := [][2]int{lineCol(src, o)}
					if st, ok := starts[o]; ok {
						lcs = append(lcs, lineCol(src, st))
					}
					for _, lc := range lcs {
						for _, r := range rules {
							if orig[fmt.Sprintf("%s\x00%s:%d:%d", r, s.file, lc[0], lc[1])] {
								return r
							}
						}
					}
				}
				return ""
			}
			switch {
			case isGenerated(src):
				s.status, s.detail = "excluded", "generated file: teardown reports nothing there"
			case pr.r.Invalid != "":
				s.status, s.detail = "invalid", pr.r.Invalid
			case pr.r.Excluded != "":
				s.status, s.detail = "excluded", pr.r.Excluded
			case pr.r.Op == "insert-linger":
				// The Close must be correct before the mutation.
				if r := reportedAt([]string{"writeclose", "unreadclose", "unflushedclose"}, []int{pr.r.Off}); r != "" {
					s.status, s.detail = "excluded", r+" reports this Close before the mutation"
				}
				s.line = lineCol(src, pr.r.Off)[0]
			default:
				if r := reportedAt([]string{pr.r.Rule}, pr.r.Targets); r != "" {
					s.status, s.detail = "excluded", r+" reports here before the mutation"
				}
			}
			sites = append(sites, s)
		}
	}
	// Batches: per package, sites in functions that do not call each other.
	byPkg := map[string][]*mutSite{}
	var pkgs []string
	for _, s := range sites {
		if s.status != "" {
			continue
		}
		k := s.g.dir + "\x00" + s.pkg
		if byPkg[k] == nil {
			pkgs = append(pkgs, k)
		}
		byPkg[k] = append(byPkg[k], s)
	}
	sort.Strings(pkgs)
	start := time.Now()
	runs := 0
	for _, k := range pkgs {
		for _, batch := range batches(byPkg[k]) {
			runs++
			if err := runBatch(*vettool, batch); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(os.Stderr, "truth mutate: %d sites, %d vet runs, %.0f s\n", len(sites), runs, time.Since(start).Seconds())
	var lines []string
	for _, s := range sites {
		lines = append(lines, strings.Join([]string{s.r.Op, s.r.Rule, s.r.Shape, s.m.id(),
			fmt.Sprintf("%s:%d", s.rel, s.line), s.status, oneLine(s.detail)}, "\t"))
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	return nil
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// batches splits one package's sites into groups that can be mutated
// together: different functions, none calling another.
func batches(sites []*mutSite) [][]*mutSite {
	sort.SliceStable(sites, func(i, j int) bool {
		if sites[i].file != sites[j].file {
			return sites[i].file < sites[j].file
		}
		return sites[i].r.Off < sites[j].r.Off
	})
	conflict := func(a, b *mutSite) bool {
		if a.r.Func == b.r.Func {
			return true
		}
		for _, f := range a.r.Reach {
			if f == b.r.Func {
				return true
			}
		}
		for _, f := range b.r.Reach {
			if f == a.r.Func {
				return true
			}
		}
		return false
	}
	var out [][]*mutSite
next:
	for _, s := range sites {
		for i, b := range out {
			ok := true
			for _, t := range b {
				if conflict(s, t) {
					ok = false
					break
				}
			}
			if ok {
				out[i] = append(b, s)
				continue next
			}
		}
		out = append(out, []*mutSite{s})
	}
	return out
}

// lineCol returns the 1-based line and byte column of off in src.
func lineCol(src []byte, off int) [2]int {
	off = min(max(off, 0), len(src))
	line := 1 + bytes.Count(src[:off], []byte("\n"))
	col := off - (bytes.LastIndexByte(src[:off], '\n') + 1) + 1
	return [2]int{line, col}
}

// shift maps an offset of the original file to the mutant's, given the
// edits (sorted) made to the file.
func shift(off int, edits []edit) int {
	d := 0
	for _, e := range edits {
		if e.End <= off && !(e.Off == e.End && e.Off == off) {
			d += len(e.New) - (e.End - e.Off)
		}
	}
	return off + d
}

// runBatch mutates the batch's files in the module copy, vets the
// package, judges each site, and restores the files.
func runBatch(vettool string, batch []*mutSite) error {
	dir := batch[0].m.dir          // the module's copy (truth.sh)
	editsOf := map[string][]edit{} // rel file -> edits
	for _, s := range batch {
		editsOf[s.rel] = append(editsOf[s.rel], s.r.Edits...)
	}
	mutants := map[string][]byte{}
	pristine := map[string][]byte{}
	defer func() {
		for rel, src := range pristine {
			os.WriteFile(filepath.Join(dir, rel), src, 0o644)
		}
	}()
	for rel, es := range editsOf {
		sort.Slice(es, func(i, j int) bool { return es[i].Off < es[j].Off })
		src, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			return err
		}
		pristine[rel] = src
		mutants[rel] = apply(src, es)
		if err := os.WriteFile(filepath.Join(dir, rel), mutants[rel], 0o644); err != nil {
			return err
		}
	}
	cmd := exec.Command("go", "vet", "-vettool="+vettool, "-json", batch[0].pkg)
	cmd.Dir = batch[0].g.dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod -buildvcs=false", "GOWORK=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	ds, errs, perr := readVet(stdout.Bytes())
	if runErr != nil || perr != nil || len(errs) > 0 {
		msg := strings.TrimSpace(stderr.String())
		if perr != nil {
			msg += " " + perr.Error()
		}
		msg += " " + strings.Join(errs, "; ")
		for _, s := range batch {
			s.status, s.detail = "error", "vet failed: "+msg
		}
		return nil
	}
	for _, s := range batch {
		judgeSite(s, dir, editsOf[s.rel], mutants[s.rel], ds)
	}
	return nil
}

// judgeSite decides caught or missed for one site from the mutant's run.
func judgeSite(s *mutSite, copyDir string, edits []edit, mutant []byte, ds []diag) {
	file := filepath.Join(copyDir, s.rel)
	var offs []int
	if s.r.Op == "insert-linger" {
		e := s.r.Edits[0]
		offs = []int{shift(e.Off, edits) + strings.LastIndex(e.New, "(0)")}
	} else {
		for _, t := range s.r.Targets {
			offs = append(offs, shift(t, edits))
		}
	}
	// Findings sit at the start of a call expression (internal/lint moves
	// them there from the '(' where go/ssa places calls).
	starts := callStarts(mutant)
	at := map[[2]int]bool{}
	for _, o := range offs {
		at[lineCol(mutant, o)] = true
		if st, ok := starts[o]; ok {
			at[lineCol(mutant, st)] = true
		}
	}
	var others []string
	for _, d := range ds {
		if d.file != file || !at[[2]int{d.line, d.col}] || d.analyzer == "truthprobe" {
			continue
		}
		if d.analyzer == s.r.Rule {
			s.status = "caught"
			return
		}
		others = append(others, d.analyzer)
	}
	s.status = "missed"
	kind, off := "close", offs[0]
	if strings.HasPrefix(s.r.Op, "insert-linger") || s.r.Op == "linger-comment" {
		kind = "linger"
	}
	reason := ""
	for _, d := range ds {
		if d.analyzer != "truthprobe" || d.category != kind || d.file != file {
			continue
		}
		var r record
		if json.Unmarshal([]byte(d.message), &r) != nil || r.Off != off {
			continue
		}
		switch {
		case kind == "linger" && r.Tracked:
			reason = "tracked; rule silent"
		case kind == "linger":
			reason = "not tracked"
		case r.Reason == "judged":
			reason = "judged; rule silent"
		default:
			reason = r.Reason
		}
		break
	}
	if reason == "" {
		reason = "no probe record at the mutated " + kind
	}
	if len(others) > 0 {
		sort.Strings(others)
		reason += " (reported by " + strings.Join(others, ", ") + ")"
	}
	s.detail = reason
}

// isGenerated reports whether src is a generated file (ast.IsGenerated).
func isGenerated(src []byte) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "src.go", src, parser.PackageClauseOnly|parser.ParseComments)
	return err == nil && ast.IsGenerated(f)
}

// callStarts maps the offset of each call's '(' in src to the offset
// where the call expression starts.
func callStarts(src []byte) map[int]int {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "mutant.go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	tf := fset.File(f.Pos())
	m := map[int]int{}
	ast.Inspect(f, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			m[tf.Offset(call.Lparen)] = tf.Offset(call.Pos())
		}
		return true
	})
	return m
}
