package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/teardownlint/teardown/scripts/eval/truth/probe"
)

// reasonClass groups a model reason for the tables: the callee of
// "passed to F" and the helper of "handed on by F" are dropped.
func reasonClass(r string) string {
	r, _, _ = strings.Cut(r, " (reported by")
	switch {
	case strings.HasPrefix(r, "escaped: passed to "):
		return "escaped: passed to a function"
	case strings.HasPrefix(r, "escaped: handed on by "):
		return "escaped: handed on by a helper"
	}
	return r
}

func readTSV(name string, fields int) ([][]string, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var rows [][]string
	for i, l := range strings.Split(string(data), "\n") {
		if l == "" {
			continue
		}
		f := strings.Split(l, "\t")
		if len(f) != fields {
			return nil, fmt.Errorf("%s:%d: want %d fields, got %d", name, i+1, fields, len(f))
		}
		rows = append(rows, f)
	}
	return rows, nil
}

func pct(n, d int) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(d))
}

// counts is a tally of strings, printed most frequent first.
type counts map[string]int

func (c counts) top(n int) string {
	type kv struct {
		k string
		v int
	}
	var kvs []kv
	for k, v := range c {
		kvs = append(kvs, kv{k, v})
	}
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].v > kvs[j].v || kvs[i].v == kvs[j].v && kvs[i].k < kvs[j].k })
	var parts []string
	for i, e := range kvs {
		if n > 0 && i == n {
			break
		}
		parts = append(parts, fmt.Sprintf("%s %d", e.k, e.v))
	}
	return strings.Join(parts, ", ")
}

var rules = []string{"writeclose", "unreadclose", "unflushedclose", "lingerzero"}

func report(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	judgedFile := fs.String("judged", "", "judged.tsv")
	mutantsFile := fs.String("mutants", "", "mutants.tsv")
	doc := fs.String("doc", "", "document whose generated recall and judged sections to rewrite")
	modFile := fs.String("modules", "", "scripts/eval/modules.txt: every module gets a row, with or without Closes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	js, err := readTSV(*judgedFile, 5)
	if err != nil {
		return err
	}
	ms, err := readTSV(*mutantsFile, 7)
	if err != nil {
		return err
	}
	var mods []string
	if *modFile != "" {
		data, err := os.ReadFile(*modFile)
		if err != nil {
			return err
		}
		for _, l := range strings.Split(string(data), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && !strings.HasPrefix(f[0], "#") {
				mods = append(mods, f[0]+"@"+f[1])
			}
		}
	}
	sections := map[string]string{"recall": recallTables(ms), "judged": judgedTables(js, mods)}
	if *doc == "" {
		for _, name := range []string{"recall", "judged"} {
			fmt.Fprintf(w, "<!-- %s -->\n%s\n", name, sections[name])
		}
		return nil
	}
	data, err := os.ReadFile(*doc)
	if err != nil {
		return err
	}
	text := string(data)
	for _, name := range []string{"recall", "judged"} {
		begin := "<!-- BEGIN GENERATED " + name + " (scripts/eval/truth.sh -report) -->\n"
		end := "<!-- END GENERATED " + name + " -->\n"
		i, j := strings.Index(text, begin), strings.Index(text, end)
		if i < 0 || j < i {
			return fmt.Errorf("%s: no %q ... %q section", *doc, strings.TrimSpace(begin), strings.TrimSpace(end))
		}
		text = text[:i+len(begin)] + sections[name] + text[j:]
	}
	return os.WriteFile(*doc, []byte(text), 0o644)
}

// recallTables: mutation recall per rule (and operator), per shape, and
// the model's reasons for the misses.
func recallTables(ms [][]string) string {
	var b strings.Builder
	newT := func() *mtally { return &mtally{miss: counts{}} }
	add := func(t *mtally, m []string) {
		t.sites++
		switch m[5] {
		case "invalid":
			t.invalid++
		case "excluded":
			t.excluded++
		case "error":
			t.errs++
		case "caught":
			t.run++
			t.caught++
		case "missed":
			t.run++
			t.miss[reasonClass(m[6])]++
		}
	}
	byRuleOp := map[[2]string]*mtally{}
	byRule := map[string]*mtally{}
	byShape := map[string]*mtally{}
	cell := map[[2]string]*mtally{} // shape, rule
	total := newT()
	for _, m := range ms {
		op, rule, shape := m[0], m[1], m[2]
		add(get(byRuleOp, [2]string{rule, op}, newT), m)
		add(get(byRule, rule, newT), m)
		add(get(byShape, shape, newT), m)
		add(get(cell, [2]string{shape, rule}, newT), m)
		add(total, m)
	}
	fmt.Fprintf(&b, "\n| rule | mutation | sites | not compiled | excluded | vet failed | mutants | caught | recall | missed: the model's reason |\n")
	fmt.Fprintf(&b, "|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n")
	row := func(rule, op string, t *mtally, bold bool) {
		f := "| %s | %s | %d | %d | %d | %d | %d | %d | %s | %s |\n"
		if bold {
			f = "| **%s** | %s | %d | %d | %d | %d | %d | %d | **%s** | %s |\n"
		}
		fmt.Fprintf(&b, f, rule, op, t.sites, t.invalid, t.excluded, t.errs, t.run, t.caught, pct(t.caught, t.run), t.miss.top(0))
	}
	for _, r := range rules {
		for _, op := range probe.Operators() {
			if t := byRuleOp[[2]string{r, op}]; t != nil {
				row(r, op, t, false)
			}
		}
		if t := byRule[r]; t != nil {
			row(r, "all", t, true)
		} else {
			row(r, "all", newT(), true)
		}
	}
	row("all", "all", total, true)
	fmt.Fprintf(&b, "\nRecall is caught / mutants. By the shape of the conn at the mutated Close (or SetLinger):\n\n")
	fmt.Fprintf(&b, "| shape | mutants | caught | recall |")
	for _, r := range rules {
		fmt.Fprintf(&b, " %s |", r)
	}
	fmt.Fprintf(&b, " missed: the model's reason |\n|---|---:|---:|---:|")
	for range rules {
		fmt.Fprintf(&b, "---:|")
	}
	fmt.Fprintf(&b, "---|\n")
	shapes := probe.ShapeOrder()
	for s := range byShape {
		if !contains(shapes, s) {
			shapes = append(shapes, s)
		}
	}
	for _, s := range append(shapes, "all") {
		t := byShape[s]
		if s == "all" {
			t = total
		}
		if t == nil {
			t = newT()
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %s |", s, t.run, t.caught, pct(t.caught, t.run))
		for _, r := range rules {
			c := cell[[2]string{s, r}]
			if s == "all" {
				c = byRule[r]
			}
			if c == nil || c.run == 0 {
				fmt.Fprintf(&b, " – |")
				continue
			}
			fmt.Fprintf(&b, " %d/%d |", c.caught, c.run)
		}
		fmt.Fprintf(&b, " %s |\n", t.miss.top(0))
	}
	fmt.Fprintf(&b, "\nCells are caught/mutants. A mutant counts only when the expected rule reports at that Close (or SetLinger call).\n")
	return b.String()
}

// mtally counts the mutation sites of one row.
type mtally struct {
	sites, invalid, excluded, errs, run, caught int
	miss                                        counts
}

// get returns m[k], made by mk on first use.
func get[K comparable, V any](m map[K]V, k K, mk func() V) V {
	v, ok := m[k]
	if !ok {
		v = mk()
		m[k] = v
	}
	return v
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// judgedTables: per module (every module of all, and any other with a
// Close), the Closes of sockets in library code and how many the model
// judges; then the reasons, in total and by shape.
func judgedTables(js [][]string, all []string) string {
	var b strings.Builder
	type tally struct {
		n, judged int
		why       counts
	}
	byMod := map[string]*tally{}
	byShape := map[string]*tally{}
	total := &tally{why: counts{}}
	newT := func() *tally { return &tally{why: counts{}} }
	for _, j := range js {
		mod, shape, reason := j[0], j[2], reasonClass(j[4])
		for _, t := range []*tally{get(byMod, mod, newT), get(byShape, shape, newT), total} {
			t.n++
			if reason == "judged" {
				t.judged++
			} else {
				t.why[reason]++
			}
		}
	}
	var mods []string
	for m := range byMod {
		mods = append(mods, m)
	}
	for _, m := range all {
		if byMod[m] == nil {
			byMod[m] = newT()
			mods = append(mods, m)
		}
	}
	sort.Strings(mods)
	fmt.Fprintf(&b, "\n| module | Closes of sockets | judged | judged fraction | top reasons for not judging |\n|---|---:|---:|---:|---|\n")
	for _, m := range mods {
		t := byMod[m]
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s |\n", m, t.n, t.judged, pct(t.judged, t.n), t.why.top(3))
	}
	fmt.Fprintf(&b, "| **all %d modules** | %d | %d | **%s** | %s |\n", len(mods), total.n, total.judged, pct(total.judged, total.n), total.why.top(3))
	fmt.Fprintf(&b, "\nWhy the model does not judge a Close, over all modules:\n\n| reason | Closes | share of all |\n|---|---:|---:|\n")
	type kv struct {
		k string
		v int
	}
	var kvs []kv
	for k, v := range total.why {
		kvs = append(kvs, kv{k, v})
	}
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].v > kvs[j].v || kvs[i].v == kvs[j].v && kvs[i].k < kvs[j].k })
	for _, e := range kvs {
		fmt.Fprintf(&b, "| %s | %d | %s |\n", e.k, e.v, pct(e.v, total.n))
	}
	fmt.Fprintf(&b, "| judged | %d | %s |\n", total.judged, pct(total.judged, total.n))
	fmt.Fprintf(&b, "\nBy the shape of the closed value:\n\n| shape | Closes | judged | judged fraction | top reasons for not judging |\n|---|---:|---:|---:|---|\n")
	for _, s := range probe.ShapeOrder() {
		if t := byShape[s]; t != nil {
			fmt.Fprintf(&b, "| %s | %d | %d | %s | %s |\n", s, t.n, t.judged, pct(t.judged, t.n), t.why.top(3))
		}
	}
	return b.String()
}
