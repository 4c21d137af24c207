package main

// The two engines of the standalone driver. Both analyze the packages
// that match the patterns with the same analyzers and flags, and return
// the same findings; they differ in what they cost.
//
//   - vet: `go vet -vettool=<this executable> -json`. The go command runs
//     teardown once per package (the unitchecker protocol), dependencies
//     first, and caches each package's types, facts and findings in
//     GOCACHE by a key of its inputs; a run after a change analyzes only
//     what the change can affect, in a few processes of ~100 MB each. It
//     needs the packages built (go vet compiles what GOCACHE lacks) and a
//     go command whose vet cache is sound (Go >= 1.26.9 or >= 1.27.2).
//   - load: go/packages and the x/tools checker in this process, every
//     package parsed and type-checked from source, every time, with all of
//     them in memory at once (1.8 GB on caddy). It needs nothing built.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/teardownlint/teardown/passes/connflow"
)

// A request is what to analyze.
type request struct {
	patterns  []string
	overlay   map[string][]byte    // file name -> contents to analyze instead of the file's
	toolFlags []string             // the analyzer flags, as given (-NAME, -NAME.FLAG=v)
	analyzers []*analysis.Analyzer // the selected analyzers (load)
	tests     bool                 // load test packages (load; go vet always does)
	debug     string               // the checker's -debug letters (load)
	stderr    io.Writer            // where -debug=f writes (load)
	urls      map[string]string    // analyzer name -> documentation URL
}

// An outcome is what an analysis found.
type outcome struct {
	findings []finding
	errors   []problem // load, type and analysis errors
}

// A problem is an error with a position, if it has one. An analyzer's
// error on a package also names both, for -json.
type problem struct {
	pos      position
	msg      string
	analyzer string
	pkg      string
	err      string // the analyzer's error
}

// render is the problem's line, its file relative.
func (p problem) render(ps paths) string {
	if p.pos.file == "" {
		return "teardown: " + p.msg
	}
	return ps.relPos(p.pos).String() + ": " + p.msg
}

type engine interface {
	name() string
	analyze(ctx context.Context, r *request) (*outcome, error)
}

// -- vet --

type vetEngine struct {
	gocmd string // the go command
	exe   string // this executable, the vet tool
}

func (*vetEngine) name() string { return "vet" }

// jsonDiag is a diagnostic of the -json tree that unitchecker writes.
type jsonDiag struct {
	Category       string `json:"category,omitempty"`
	Posn           string `json:"posn"`
	End            string `json:"end"`
	Message        string `json:"message"`
	SuggestedFixes []struct {
		Message string `json:"message"`
		Edits   []struct {
			Filename string `json:"filename"`
			Start    int    `json:"start"`
			End      int    `json:"end"`
			New      string `json:"new"`
		} `json:"edits"`
	} `json:"suggested_fixes,omitempty"`
	Related []struct {
		Posn    string `json:"posn"`
		End     string `json:"end"`
		Message string `json:"message"`
	} `json:"related,omitempty"`
}

func (e *vetEngine) analyze(ctx context.Context, r *request) (*outcome, error) {
	// The go command's work directory (and the overlay's files) go into
	// a directory of ours, removed even when go vet was interrupted
	// before it could remove its own.
	tmp, err := os.MkdirTemp(os.Getenv("GOTMPDIR"), "teardown-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	args := []string{"vet", "-vettool=" + e.exe, "-json"}
	real := map[string]string{} // overlay file -> the file it stands for
	if len(r.overlay) > 0 {
		replace := map[string]string{}
		i := 0
		for name, content := range r.overlay {
			i++
			file := filepath.Join(tmp, fmt.Sprintf("%d_%s", i, filepath.Base(name)))
			if err := os.WriteFile(file, content, 0o644); err != nil {
				return nil, err
			}
			replace[name] = file
			real[file] = name
		}
		js, err := json.Marshal(map[string]any{"Replace": replace})
		if err != nil {
			return nil, err
		}
		ov := filepath.Join(tmp, "overlay.json")
		if err := os.WriteFile(ov, js, 0o644); err != nil {
			return nil, err
		}
		args = append(args, "-overlay="+ov)
	}
	// Budget notes as diagnostics, which outcome tells from findings
	// (finding.note); without the flag, teardown under go vet writes
	// them to standard error.
	args = append(args, "-connflow.notes="+connflow.NotesReport)
	args = append(args, r.toolFlags...)
	args = append(args, r.patterns...)

	cmd := exec.CommandContext(ctx, e.gocmd, args...)
	// Canceled (by the auto engine, or by an interrupt): let the go
	// command stop its tools and remove its work directory.
	cmd.Cancel = func() error { return interrupt(cmd.Process) }
	cmd.WaitDelay = 10 * time.Second
	cmd.Env = append(os.Environ(), "GOTMPDIR="+tmp)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("running go vet: %v", err)
	}
	out := new(outcome)
	decodeErr := decodeVetJSON(stdout, r, out)
	io.Copy(io.Discard, stdout)
	waitErr := cmd.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if decodeErr != nil {
		return nil, fmt.Errorf("reading go vet's output: %v", decodeErr)
	}
	for _, p := range vetErrors(stderr.String(), r.patterns) {
		if p.pos.file != "" && !filepath.IsAbs(p.pos.file) {
			if abs, err := filepath.Abs(p.pos.file); err == nil {
				p.pos.file = abs
			}
		}
		out.errors = append(out.errors, p)
	}
	if waitErr != nil && len(out.errors) == 0 {
		var ee *exec.ExitError
		if !errors.As(waitErr, &ee) {
			return nil, fmt.Errorf("running go vet: %v", waitErr)
		}
		out.errors = append(out.errors, problem{msg: "go vet failed (" + waitErr.Error() + ")"})
	}
	mapFiles(out, real)
	return out, nil
}

// decodeVetJSON reads the stream of -json trees, one per package: package
// ID -> analyzer -> diagnostics, or {"error": message}.
func decodeVetJSON(r io.Reader, req *request, out *outcome) error {
	dec := json.NewDecoder(r)
	var derived []problem
	for {
		var tree map[string]map[string]json.RawMessage
		if err := dec.Decode(&tree); err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		for id, byAnalyzer := range tree {
			for name, raw := range byAnalyzer {
				if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
					var e struct {
						Err string `json:"error"`
					}
					if err := json.Unmarshal(raw, &e); err != nil {
						return err
					}
					p := analysisError(name, packagePath(id), e.Err)
					if derivedError(e.Err) {
						derived = append(derived, p)
					} else {
						out.errors = append(out.errors, p)
					}
					continue
				}
				var diags []jsonDiag
				if err := json.Unmarshal(raw, &diags); err != nil {
					return err
				}
				for _, d := range diags {
					out.findings = append(out.findings, d.finding(name, packagePath(id), req.urls[name]))
				}
			}
		}
	}
	if len(out.errors) == 0 {
		out.errors = derived
	}
	return nil
}

func (d *jsonDiag) finding(analyzer, pkg, url string) finding {
	f := finding{
		analyzer: analyzer,
		pkg:      pkg,
		pos:      parsePosition(d.Posn),
		end:      parsePosition(d.End),
		category: d.Category,
		message:  d.Message,
		url:      url,
	}
	for _, sf := range d.SuggestedFixes {
		fx := fix{message: sf.Message}
		for _, e := range sf.Edits {
			fx.edits = append(fx.edits, edit{e.Filename, e.Start, e.End, e.New})
		}
		f.fixes = append(f.fixes, fx)
	}
	for _, r := range d.Related {
		f.related = append(f.related, related{parsePosition(r.Posn), parsePosition(r.End), r.Message})
	}
	return f
}

// analysisError is an analyzer's error on a package: its first line is
// the message (an internal error's stack follows it).
func analysisError(analyzer, pkg, msg string) problem {
	msg = strings.TrimRight(msg, "\n")
	return problem{msg: fmt.Sprintf("%s: %s: %s", analyzer, pkg, msg), analyzer: analyzer, pkg: pkg, err: msg}
}

// derivedError reports whether an analyzer's error only repeats that a
// package or a prerequisite failed, which another error says already.
func derivedError(msg string) bool {
	return strings.HasPrefix(msg, "failed prerequisites: ") || msg == "analysis skipped due to errors in package"
}

// vetErrors turns go vet's stderr into problems: build and type errors
// ("./x.go:3:1: message" under a "# package" header), and the go
// command's own errors ("go: ...", "no packages to vet", a pattern that
// matches no directory). Headers are dropped, a continuation line
// (indented) stays with its error, and "no packages to vet" becomes
// "PATTERNS matched no packages".
func vetErrors(stderr string, patterns []string) []problem {
	var ps []problem
	for _, line := range strings.Split(strings.TrimRight(stderr, "\n"), "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "# "):
			continue
		case strings.HasPrefix(line, "\t") && len(ps) > 0:
			ps[len(ps)-1].msg += "\n" + line
			continue
		case strings.HasPrefix(line, "go: warning: ") && strings.HasSuffix(line, " matched no packages"):
			continue // as go list: only a warning next to patterns that match
		case line == "no packages to vet":
			ps = append(ps, problem{msg: strings.Join(patterns, " ") + " matched no packages"})
			continue
		}
		line = strings.TrimPrefix(line, "go: ")
		line = strings.TrimPrefix(line, "vet: ")
		line = strings.TrimPrefix(line, "teardown: ")
		if pos, msg, ok := splitPosition(line); ok {
			ps = append(ps, problem{pos: pos, msg: msg})
		} else {
			ps = append(ps, problem{msg: line})
		}
	}
	return ps
}

// splitPosition splits "file.go:line:col: message" (or "file.go:line:
// message").
func splitPosition(line string) (position, string, bool) {
	i := strings.Index(line, ".go:")
	if i < 0 {
		return position{}, "", false
	}
	j := strings.Index(line[i+len(".go:"):], ": ")
	if j < 0 {
		return position{}, "", false
	}
	j += i + len(".go:")
	pos := parsePosition(line[:j])
	if pos.line == 0 {
		return position{}, "", false
	}
	return pos, line[j+len(": "):], true
}

// mapFiles renames overlay files back to the files they stand for.
func mapFiles(out *outcome, real map[string]string) {
	if len(real) == 0 {
		return
	}
	name := func(f string) string {
		if r, ok := real[f]; ok {
			return r
		}
		return f
	}
	for i := range out.findings {
		f := &out.findings[i]
		f.pos.file, f.end.file = name(f.pos.file), name(f.end.file)
		for j := range f.related {
			f.related[j].pos.file, f.related[j].end.file = name(f.related[j].pos.file), name(f.related[j].end.file)
		}
		for j := range f.fixes {
			for k := range f.fixes[j].edits {
				f.fixes[j].edits[k].file = name(f.fixes[j].edits[k].file)
			}
		}
	}
	for i := range out.errors {
		out.errors[i].pos.file = name(out.errors[i].pos.file)
	}
}

// interrupt asks a process to stop (os.Interrupt where there are signals,
// else kills it).
func interrupt(p *os.Process) error {
	if err := p.Signal(os.Interrupt); err != nil {
		return p.Kill()
	}
	return nil
}

// -- auto --

// probeDelay is how long the auto engine lets go vet run before it asks
// whether the build cache is warm: longer than go vet takes when nothing
// changed (about a second on caddy), short next to what compiling
// everything costs (minutes).
const probeDelay = 1500 * time.Millisecond

// autoEngine is the vet engine unless the build cache turns out not to
// hold the standard library for this configuration, in which case go vet
// would compile every dependency before analyzing anything, and the load
// engine is many times faster. It asks (buildCacheWarm) while go vet
// runs, if go vet is not done after probeDelay, on the first analysis,
// and keeps its choice for the next (the rounds of -fix).
type autoEngine struct {
	vet    *vetEngine
	load   *loadEngine
	chosen engine
}

func (a *autoEngine) name() string {
	if a.chosen == nil {
		return "auto"
	}
	return a.chosen.name()
}

func (a *autoEngine) analyze(ctx context.Context, r *request) (*outcome, error) {
	if a.chosen != nil {
		return a.chosen.analyze(ctx, r)
	}
	vetCtx, cancelVet := context.WithCancel(ctx)
	defer cancelVet()
	probeCtx, cancelProbe := context.WithCancel(ctx)
	defer cancelProbe()
	warm := make(chan bool, 1)
	go func() {
		// A run that finds everything in the cache is done before the
		// delay, and pays nothing for the question.
		select {
		case <-time.After(probeDelay):
		case <-probeCtx.Done():
			return
		}
		warm <- buildCacheWarm(probeCtx, a.vet.gocmd)
	}()
	type result struct {
		out *outcome
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := a.vet.analyze(vetCtx, r)
		done <- result{out, err}
	}()
	select {
	case w := <-warm:
		if !w {
			cancelVet()
			<-done
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			a.chosen = a.load
			return a.load.analyze(ctx, r)
		}
		a.chosen = a.vet
		res := <-done
		return res.out, res.err
	case res := <-done: // go vet was done first: it had what it needed
		a.chosen = a.vet
		return res.out, res.err
	}
}

// -- load --

type loadEngine struct{}

func (*loadEngine) name() string { return "load" }

func (e *loadEngine) analyze(ctx context.Context, r *request) (*outcome, error) {
	cfg := &packages.Config{
		Context: ctx,
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
			packages.NeedImports | packages.NeedDeps | packages.NeedTypes | packages.NeedTypesSizes |
			packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedModule,
		Tests:   r.tests,
		Overlay: r.overlay,
	}
	setReadFileOverlay(r.analyzers, r.overlay)
	out := new(outcome)
	pkgs, err := packages.Load(cfg, r.patterns...)
	if err != nil {
		out.errors = append(out.errors, problem{msg: goListError(err)})
		return out, nil
	}
	if len(pkgs) == 0 {
		out.errors = append(out.errors, problem{msg: strings.Join(r.patterns, " ") + " matched no packages"})
		return out, nil
	}
	out.errors = packageErrors(pkgs)
	opts := &checker.Options{
		Sequential:  strings.Contains(r.debug, "p"),
		SanityCheck: strings.Contains(r.debug, "s"),
	}
	if strings.Contains(r.debug, "f") {
		opts.FactLog = r.stderr
	}
	graph, err := checker.Analyze(r.analyzers, pkgs, opts)
	if err != nil {
		return nil, err
	}
	var derived []problem
	for act := range graph.All() {
		if act.Err == nil {
			continue
		}
		p := analysisError(act.Analyzer.Name, act.Package.PkgPath, act.Err.Error())
		if derivedError(act.Err.Error()) {
			derived = append(derived, p)
		} else {
			out.errors = append(out.errors, p)
		}
	}
	if len(out.errors) == 0 {
		out.errors = derived
	}
	for _, act := range graph.Roots {
		if act.Err != nil {
			continue
		}
		fset := act.Package.Fset
		for _, d := range act.Diagnostics {
			out.findings = append(out.findings, diagFinding(fset, act.Analyzer.Name, act.Package.PkgPath, r.urls[act.Analyzer.Name], d))
		}
	}
	return out, nil
}

// readFileOverlay is the overlay of the load engine's current analysis:
// the checker gives passes a ReadFile that reads the disk (it has no way
// to take an overlay), and the fixes compute edits from what ReadFile
// returns, so after a round of -fix it would read the old contents.
var (
	readFileOverlay   map[string][]byte
	readFileWrapped   = map[*analysis.Analyzer]bool{}
	readFileOverlayMu sync.Mutex
)

// setReadFileOverlay makes the analyzers (and their prerequisites) read
// the files of overlay from it, by wrapping their Run functions once. It
// changes the analyzers of this process only: the load engine's.
func setReadFileOverlay(analyzers []*analysis.Analyzer, overlay map[string][]byte) {
	readFileOverlayMu.Lock()
	defer readFileOverlayMu.Unlock()
	readFileOverlay = overlay
	if len(overlay) == 0 {
		return
	}
	var wrap func(a *analysis.Analyzer)
	wrap = func(a *analysis.Analyzer) {
		if readFileWrapped[a] {
			return
		}
		readFileWrapped[a] = true
		run := a.Run
		a.Run = func(pass *analysis.Pass) (any, error) {
			if read := pass.ReadFile; read != nil {
				pass.ReadFile = func(name string) ([]byte, error) {
					readFileOverlayMu.Lock()
					content, ok := readFileOverlay[name]
					readFileOverlayMu.Unlock()
					if ok {
						if _, err := read(name); err != nil {
							return nil, err // not a file of this package
						}
						return content, nil
					}
					return read(name)
				}
			}
			return run(pass)
		}
		for _, req := range a.Requires {
			wrap(req)
		}
	}
	for _, a := range analyzers {
		wrap(a)
	}
}

// diagFinding is a go/analysis diagnostic as a finding, positions as
// -json prints them.
func diagFinding(fset *token.FileSet, analyzer, pkg, url string, d analysis.Diagnostic) finding {
	pos := func(p token.Pos) position {
		if !p.IsValid() {
			return position{}
		}
		posn := fset.Position(p)
		return position{posn.Filename, posn.Line, posn.Column}
	}
	end := d.End
	if !end.IsValid() {
		end = d.Pos
	}
	f := finding{
		analyzer: analyzer,
		pkg:      pkg,
		pos:      pos(d.Pos),
		end:      pos(end),
		category: d.Category,
		message:  d.Message,
		url:      url,
	}
	for _, sf := range d.SuggestedFixes {
		fx := fix{message: sf.Message}
		for _, te := range sf.TextEdits {
			start := fset.PositionFor(te.Pos, false)
			stop := start
			if te.End.IsValid() {
				stop = fset.PositionFor(te.End, false)
			}
			fx.edits = append(fx.edits, edit{start.Filename, start.Offset, stop.Offset, string(te.NewText)})
		}
		f.fixes = append(f.fixes, fx)
	}
	for _, rel := range d.Related {
		end := rel.End
		if !end.IsValid() {
			end = rel.Pos
		}
		f.related = append(f.related, related{pos(rel.Pos), pos(end), rel.Message})
	}
	return f
}

// goListError is the one line that matters of go/packages' error when
// go list failed: "go: go.mod file not found in current directory ...".
func goListError(err error) string {
	msg := err.Error()
	if before, stderr, ok := strings.Cut(msg, "stderr: "); ok {
		msg = stderr
		if strings.TrimSpace(stderr) == "" {
			// The go command did not run (none on PATH): say why.
			msg = strings.TrimPrefix(strings.TrimSuffix(strings.TrimSpace(before), ":"), "err: ")
		}
	}
	msg = strings.TrimSpace(msg)
	first, _, _ := strings.Cut(msg, "\n")
	return strings.TrimPrefix(first, "go: ")
}

// packageErrors are the errors of the packages and their dependencies and
// of their modules, each once (a test variant repeats its package's); of
// a package with syntax errors, only the first syntax error of each file.
func packageErrors(pkgs []*packages.Package) []problem {
	var ps []problem
	seen := map[string]bool{}
	add := func(p problem) {
		if k := p.pos.String() + "\x00" + p.msg; !seen[k] {
			seen[k] = true
			ps = append(ps, p)
		}
	}
	seenMod := map[*packages.Module]bool{}
	var mu sync.Mutex
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		mu.Lock()
		defer mu.Unlock()
		if m := p.Module; m != nil && m.Error != nil && !seenMod[m] {
			seenMod[m] = true
			add(problem{msg: "module " + m.Path + ": " + m.Error.Err})
		}
		// A syntax error makes go/parser report what follows from it
		// and go/types what the lost code declared: keep the first
		// syntax error of each file, as go build shows one.
		hasParseError := false
		for _, err := range p.Errors {
			hasParseError = hasParseError || err.Kind == packages.ParseError
		}
		parseErrorIn := map[string]bool{}
		for _, err := range p.Errors {
			if hasParseError {
				file := parsePosition(err.Pos).file
				if err.Kind != packages.ParseError || parseErrorIn[file] {
					continue
				}
				parseErrorIn[file] = true
			}
			msg := strings.TrimSpace(err.Msg)
			if err.Pos == "" || err.Pos == "-" {
				add(problem{msg: strings.TrimPrefix(msg, "go: ")})
				continue
			}
			add(problem{pos: parsePosition(err.Pos), msg: msg})
		}
	})
	return ps
}
