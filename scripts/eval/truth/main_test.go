package main

import (
	"strconv"
	"strings"
	"testing"
)

// TestShift checks that offsets after an edit move by its change in
// length, and that an insertion does not move its own point.
func TestShift(t *testing.T) {
	src := []byte("a\nb.Flush()\nc.Close()\n")
	edits := []edit{{Off: 2, End: 11, New: "{}"}}
	mut := apply(src, edits)
	if string(mut) != "a\n{}\nc.Close()\n" {
		t.Fatalf("apply: %q", mut)
	}
	paren := strings.LastIndex(string(src), "(") // c.Close's
	got := shift(paren, edits)
	if mut[got] != '(' || lineCol(mut, got) != [2]int{3, 8} {
		t.Errorf("shift: %d is %q at %v", got, mut[got], lineCol(mut, got))
	}
	ins := []edit{{Off: 12, End: 12, New: "c.SetLinger(0); "}}
	if got := shift(12, ins); got != 12 {
		t.Errorf("an insertion moved its own point to %d", got)
	}
	if got := shift(13, ins); got != 13+len(ins[0].New) {
		t.Errorf("shift after an insertion: %d", got)
	}
}

// TestBatches checks that functions that call each other are never in
// one batch, and that unrelated ones are.
func TestBatches(t *testing.T) {
	s := func(fn string, off int, reach ...string) *mutSite {
		return &mutSite{file: "f.go", r: record{Func: fn, Off: off, Reach: reach}}
	}
	a, b, c, d := s("p.a", 1, "p.b"), s("p.b", 2), s("p.c", 3), s("p.a", 4, "p.b")
	bs := batches([]*mutSite{a, b, c, d})
	// a and d (one function) and b (which a calls) need three batches;
	// c, unrelated, shares the first.
	if len(bs) != 3 || len(bs[0]) != 2 || bs[0][1] != c {
		t.Fatalf("got %d batches, want 3, the first with c", len(bs))
	}
	for _, batch := range bs {
		fns := map[string]bool{}
		for _, x := range batch {
			fns[x.r.Func] = true
		}
		if fns["p.a"] && fns["p.b"] {
			t.Errorf("p.a calls p.b, yet they share a batch")
		}
	}
}

// TestReadVet parses go vet -json output with a package, a test variant
// and an analyzer error.
func TestReadVet(t *testing.T) {
	out := `{
	"p": {"writeclose": [{"posn": "/m/p/a.go:3:9", "message": "m", "category": ""}]}
}
{
	"p [p.test]": {"truthprobe": [{"posn": "/m/p/a.go:3:9", "message": "{}", "category": "close"}]}
}
{"q": {"connflow": {"error": "boom"}}}
`
	ds, errs, err := readVet([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].file != "/m/p/a.go" || ds[0].line != 3 || ds[0].col != 9 || ds[0].test || !ds[1].test {
		t.Errorf("diags: %+v", ds)
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "boom") {
		t.Errorf("errors: %v", errs)
	}
}

// TestReasonClass checks the grouping of the model's escape reasons.
func TestReasonClass(t *testing.T) {
	for in, want := range map[string]string{
		"escaped: passed to (*bufio.Reader).Reset":     "escaped: passed to a function",
		"escaped: handed on by serve":                  "escaped: handed on by a helper",
		"judged; rule silent (reported by lingerzero)": "judged; rule silent",
		"loaded from the heap":                         "loaded from the heap",
	} {
		if got := reasonClass(in); got != want {
			t.Errorf("reasonClass(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestJudgeSite checks that a finding at the start of the mutated Close's
// call expression is a catch, that one of another rule is not, and that
// a miss takes the probe's reason at that Close.
func TestJudgeSite(t *testing.T) {
	src := []byte("package p\n\nfunc f(c interface{ Close() error }) {\n\t_ = 1\n\tc.Close()\n}\n")
	paren := strings.LastIndex(string(src), "Close(") + len("Close")
	start := strings.Index(string(src), "c.Close")
	edits := []edit{{Off: strings.Index(string(src), "_ = 1"), End: strings.Index(string(src), "_ = 1") + 5, New: "{}"}}
	mutant := apply(src, edits)
	mparen, mstart := shift(paren, edits), shift(start, edits)
	lc := lineCol(mutant, mstart)
	site := func() *mutSite {
		return &mutSite{rel: "p.go", r: record{Op: "drain", Rule: "writeclose", Targets: []int{paren}, Edits: edits}}
	}
	finding := func(rule string) diag { return diag{analyzer: rule, file: "/c/p.go", line: lc[0], col: lc[1]} }
	probeAt := diag{analyzer: "truthprobe", category: "close", file: "/c/p.go",
		message: `{"k":"close","off":` + strconv.Itoa(mparen) + `,"reason":"loaded from the heap"}`}

	s := site()
	judgeSite(s, "/c", edits, mutant, []diag{finding("writeclose")})
	if s.status != "caught" {
		t.Errorf("writeclose at the call's start: %s %s", s.status, s.detail)
	}
	s = site()
	judgeSite(s, "/c", edits, mutant, []diag{finding("unreadclose"), probeAt})
	if s.status != "missed" || s.detail != "loaded from the heap (reported by unreadclose)" {
		t.Errorf("another rule: %s %q", s.status, s.detail)
	}
}
