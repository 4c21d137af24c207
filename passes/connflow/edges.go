package connflow

import (
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// This file learns from branches. Some facts are known only on one edge
// of an If: where a write's error is non-nil the conn is broken (Failed);
// where a read's error is non-nil, or io.EOF, or Scanner.Scan is false,
// the read side has ended (ReadEOF); where an assertion to a CloseWrite
// interface fails, the conn cannot be half-closed on that path.

// A branch holds the events learnt on the edges of one If.
type branch struct {
	then *Event // on the true edge (Succs[0])
	els  *Event // on the false edge (Succs[1])
}

// on returns the event learnt on the edge to the If block's succ'th
// successor, or nil.
func (br branch) on(succ int) *Event {
	if succ == 0 {
		return br.then
	}
	return br.els
}

// A test is what an If's condition asks of a call's result.
type test struct {
	call    ssa.Value // the call whose result is tested
	onTrue  bool      // the outcome that teaches something is the true edge
	eofOnly bool      // err == io.EOF: only read-side events apply
	isFalse bool      // a bool result (Scanner.Scan): use onFalse, not onErr
}

// edgeEvents records the events learnt on ifi's edges, for every conn
// the tested call acted on.
func (b *funcBuilder) edgeEvents(ifi *ssa.If) {
	b.abortEdge(ifi)
	t := b.testOf(ifi)
	if t == nil {
		b.assertEdge(ifi)
		return
	}
	kinds := b.onErr[t.call]
	if t.isFalse {
		kinds = b.onFalse[t.call]
	}
	for _, c := range b.f.Conns {
		k, ok := kinds[c]
		if !ok || (t.eofOnly && k != ReadEOF) {
			continue
		}
		ev := b.event(c, ifi, k, "", modeCall, false)
		ev.Operand = -1
		ev.Pos = t.call.Pos()
		if call, ok := t.call.(*ssa.Call); ok && call.Call.Pos().IsValid() {
			ev.Pos = call.Call.Pos()
		}
		if t.onTrue {
			b.addEdge(c, ifi, 0, ev)
		} else {
			b.addEdge(c, ifi, 1, ev)
		}
	}
}

// A retErr is a Return whose error result is the error of a call that
// acts on a conn (`_, err := c.Read(b); return err`, `return c.Write(p)`),
// untested in between: the event the call's error edge would carry (the
// read side ended, the conn failed) holds on the paths that return a
// non-nil error there.
type retErr struct {
	call ssa.Instruction // the operation whose error is returned
	ev   *Event          // what its error edge would teach
}

// returnEvents records, for every conn the call whose error ret returns
// acted on, the event of that call's error edge (flow.go, through). A
// helper that writes a request and returns its read of the reply's error
// untested so tells its caller that a non-nil error is the reply's EOF
// (or the conn's failure), as its own `if err != nil` would have.
func (b *funcBuilder) returnEvents(ret *ssa.Return) {
	n := len(ret.Results)
	if n == 0 {
		return
	}
	v := errCall(ret.Results[n-1])
	call, ok := v.(*ssa.Call)
	if !ok {
		return
	}
	for _, c := range b.f.Conns {
		k, ok := b.onErr[call][c]
		if !ok {
			continue
		}
		ev := b.event(c, ret, k, "", modeCall, false)
		ev.Operand = -1
		ev.Pos = call.Pos()
		if call.Call.Pos().IsValid() {
			ev.Pos = call.Call.Pos()
		}
		m := b.retErrs[c]
		if m == nil {
			m = map[*ssa.Return]retErr{}
			b.retErrs[c] = m
		}
		m[ret] = retErr{call, ev}
	}
}

// testOf recognizes the conditions that teach something: err != nil and
// err == nil on a call's error result, err == io.EOF (and !=),
// errors.Is(err, io.EOF), and a call with a false-edge event
// (Scanner.Scan). It returns nil for any other condition.
func (b *funcBuilder) testOf(ifi *ssa.If) *test {
	switch cond := ifi.Cond.(type) {
	case *ssa.BinOp:
		if cond.Op != token.EQL && cond.Op != token.NEQ {
			return nil
		}
		x, y := cond.X, cond.Y
		if isNilConst(x) {
			x, y = y, x
		}
		call := errCall(x)
		switch {
		case call == nil:
			return nil
		case isNilConst(y):
			return &test{call: call, onTrue: cond.Op == token.NEQ}
		case isEOF(y):
			// err == io.EOF: true edge; err != io.EOF: false edge.
			return &test{call: call, onTrue: cond.Op == token.EQL, eofOnly: true}
		}
	case *ssa.Call:
		if k, _ := funcKey(cond.Call.StaticCallee()); k == [2]string{"errors", "Is"} && len(cond.Call.Args) == 2 && isEOF(cond.Call.Args[1]) {
			if call := errCall(cond.Call.Args[0]); call != nil {
				return &test{call: call, onTrue: true, eofOnly: true}
			}
		} else if _, ok := b.onFalse[cond]; ok {
			return &test{call: cond, isFalse: true}
		}
	}
	return nil
}

// assertEdge handles `if cw, ok := c.(interface{ CloseWrite() error }); ok`:
// on the edge where the assertion fails the conn cannot be half-closed
// (a NoHalf event), so that path has done all it can: without a FIN the
// peer has no reason to finish, and a drain would only wait for the
// deadline. Likewise, for an assertion to a reader that fails, a drain
// (ReadEOF: nothing can be read there, as in a fix's drain of an
// io.WriteCloser that holds a conn). This keeps "half-close if possible"
// code quiet.
func (b *funcBuilder) assertEdge(ifi *ssa.If) {
	ex, ok := ifi.Cond.(*ssa.Extract)
	if !ok || ex.Index != 1 {
		return
	}
	ta, ok := ex.Tuple.(*ssa.TypeAssert)
	if !ok || !ta.CommaOk {
		return
	}
	c := b.connOf(ta.X)
	if c == nil {
		return
	}
	k := NoHalf
	if obj, _, _ := types.LookupFieldOrMethod(ta.AssertedType, true, nil, "CloseWrite"); obj == nil {
		// An assertion to a reader interface that fails: the conn cannot
		// be read there, so that path cannot drain it either (a fix's
		// drain of an io.WriteCloser that holds a conn). A failed
		// assertion to a concrete type (`c.(*Peeked)`) says only that c
		// is some other reader.
		obj, _, _ := types.LookupFieldOrMethod(ta.AssertedType, true, nil, "Read")
		if obj == nil || !types.IsInterface(ta.AssertedType) {
			return
		}
		k = ReadEOF
	}
	ev := b.event(c, ifi, k, "", modeCall, false)
	ev.Operand = -1
	ev.Pos = ta.Pos()
	b.addEdge(c, ifi, 1, ev)
}

// addEdge records ev as learnt for c on the edge to ifi's succ'th
// successor. An edge holds one event per conn: the first one recorded
// stays (the tests recorded here never teach two things on one edge).
func (b *funcBuilder) addEdge(c *Conn, ifi *ssa.If, succ int, ev *Event) {
	m := b.edges[c]
	if m == nil {
		m = map[*ssa.If]branch{}
		b.edges[c] = m
	}
	br := m[ifi]
	switch {
	case succ == 0 && br.then == nil:
		br.then = ev
	case succ == 1 && br.els == nil:
		br.els = ev
	}
	m[ifi] = br
}

// deadEdge reports whether the edge from blk to its succ'th successor is
// never taken: blk ends in an If on a condition that go/ssa left
// constant, such as the `0 < N` that a `for range N` loop tests before
// its first iteration.
func deadEdge(blk *ssa.BasicBlock, succ int) bool {
	ifi, ok := blk.Instrs[len(blk.Instrs)-1].(*ssa.If)
	if !ok {
		return false
	}
	bin, ok := ifi.Cond.(*ssa.BinOp)
	if !ok {
		return false
	}
	x, okx := bin.X.(*ssa.Const)
	y, oky := bin.Y.(*ssa.Const)
	if !okx || !oky || x.Value == nil || y.Value == nil || x.Value.Kind() != y.Value.Kind() {
		return false
	}
	switch bin.Op {
	case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
		taken := constant.Compare(x.Value, bin.Op, y.Value)
		return taken == (succ == 1)
	}
	return false
}

// errCall returns the call whose error result v is, or nil.
func errCall(v ssa.Value) ssa.Value {
	switch v := v.(type) {
	case *ssa.Extract:
		if c, ok := v.Tuple.(*ssa.Call); ok && isErrorType(v.Type()) {
			return c
		}
	case *ssa.Call:
		if isErrorType(v.Type()) {
			return v
		}
	}
	return nil
}

// isErrorType reports whether t is the error interface.
func isErrorType(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

// isEOF reports whether v is a load of io.EOF.
func isEOF(v ssa.Value) bool {
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		if g, ok := u.X.(*ssa.Global); ok {
			return g.Name() == "EOF" && g.Pkg != nil && g.Pkg.Pkg.Path() == "io"
		}
	}
	return false
}

// isNilConst reports whether v is the constant nil.
func isNilConst(v ssa.Value) bool {
	c, ok := v.(*ssa.Const)
	return ok && c.Value == nil
}

// rejects reports whether a helper's summary path p, which returns the
// outcome o, is a rejected read: the helper only read the conn, its reads
// succeeded (a read's error edge would have added ReadEOF or Failed), and
// it then returned an error of its own, a protocol error such as a
// malformed frame or a length out of range. The caller's error edge then
// means neither that the read side ended nor that the conn broke
// (explainedByPath).
//
// Nor is the path of a helper that acts on more than one stream
// (use.shared): a copy helper whose write to its destination failed
// returns that error after reading its source.
//
// A path that also wrote is not one: a helper that sends a request and
// refuses the answer (an HTTP status other than 101, PostgreSQL's 'N' to
// an SSLRequest) has usually read a complete reply, which the peer
// follows with nothing; on the corpus both such paths had
// (docs/design.md, "Edge events").
func rejects(p []Kind, o outcome) bool {
	if o != nonNilErr || len(p) == 0 {
		return false
	}
	for _, k := range p {
		if k != Read {
			return false
		}
	}
	return true
}

// explainedByPath reports whether the error edge's event ev is not for
// s because the helper path s took already says what its error means:
//
//   - a rejected read (rejects): the path's last event is a read marked
//     Rejected, so the read side has not ended and the conn works;
//   - a read side that ended, or an operation that failed, learnt on the
//     helper's own error edge: the path's last event, placed at the
//     tested call, is a ReadEOF or a Failed.
//
// The event the helper's other error paths make the edge carry (errKindOf:
// EOF for a helper that only reads, failed for any other) would contradict
// the first, and would turn the second's end of the read side into a
// broken conn.
func explainedByPath(s pathState, ev *Event, call ssa.Value) bool {
	n := len(s.hist)
	if n == 0 || (ev.Kind != ReadEOF && ev.Kind != Failed) {
		return false
	}
	last := s.hist[n-1]
	if last.Rejected {
		return true
	}
	in, ok := call.(ssa.Instruction)
	return ok && last.Instr == in && (last.Kind == ReadEOF || last.Kind == Failed)
}
