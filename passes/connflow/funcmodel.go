package connflow

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// funcBuilder builds the model of one function in three steps:
//
//  1. identities: SSA values that denote the same connection are joined
//     (union-find) through Phi, interface conversions, type assertions,
//     local variables (Alloc cells and their loads and stores), closures'
//     free variables, and wrappers such as bufio.NewWriter;
//  2. events and escapes: every call, defer and go statement involving a
//     connection becomes events (see ops.go, and summaries for helpers
//     and closures), and any use that hands the conn on marks it Escaped;
//  3. paths: a forward dataflow over the CFG (flow.go) computes, for each
//     event, the bounded histories that reach it.
type funcBuilder struct {
	ps *pkgState
	fn *ssa.Function
	f  *Func

	uf     map[ssa.Value]ssa.Value
	roots  map[ssa.Value]Origin
	rootIx map[ssa.Value]int
	conns  map[ssa.Value]*Conn // class representative -> conn
	// noTeardown marks values from net.Pipe, an in-memory producer
	// (inmemory.go) or a datagram Dial: they have a conn type but no TCP
	// teardown.
	noTeardown map[ssa.Value]bool
	accepted   map[ssa.Value]bool // values returned by Accept

	steps   map[*Conn]map[ssa.Instruction][]step
	groups  map[*Conn][][][]*Event // deferred paths, by defer group
	edges   map[*Conn]map[*ssa.If][2]*Event
	onErr   map[ssa.Value]map[*Conn]Kind // call value -> conn -> event on its error edge
	onFalse map[ssa.Value]map[*Conn]Kind // call value -> conn -> event on its false edge
	evs     map[evKey]*Event
	nextID  int
	goSites map[*Conn]map[ssa.Instruction]bool
}

type evKey struct {
	conn       *Conn
	instr      ssa.Instruction
	kind       Kind
	via        string
	deferred   bool
	concurrent bool
}

type stepOp int

const (
	stepApply stepOp = iota // append one of paths to every history
	stepPush                // register a deferred group
	stepRun                 // run the registered deferred groups (RunDefers)
	stepReset               // a new conn is made here (a Dial or Accept in a loop): its history starts empty
)

type step struct {
	op    stepOp
	paths [][]*Event
	group int
}

func newFuncBuilder(ps *pkgState, fn *ssa.Function) *funcBuilder {
	return &funcBuilder{
		ps: ps, fn: fn, f: &Func{SSA: fn},
		noTeardown: map[ssa.Value]bool{}, accepted: map[ssa.Value]bool{},
		uf: map[ssa.Value]ssa.Value{}, roots: map[ssa.Value]Origin{}, rootIx: map[ssa.Value]int{},
		conns: map[ssa.Value]*Conn{}, steps: map[*Conn]map[ssa.Instruction][]step{},
		groups: map[*Conn][][][]*Event{}, edges: map[*Conn]map[*ssa.If][2]*Event{},
		onErr: map[ssa.Value]map[*Conn]Kind{}, onFalse: map[ssa.Value]map[*Conn]Kind{},
		evs: map[evKey]*Event{}, goSites: map[*Conn]map[ssa.Instruction]bool{},
	}
}

func (b *funcBuilder) build() *Func {
	if b.fn.Parent() != nil {
		b.f.Parent = b.ps.models[b.fn.Parent()]
	}
	b.identities()
	if len(b.uf) == 0 {
		return b.f
	}
	b.makeConns()
	b.resets()
	b.eventsAndEscapes()
	b.joins()
	for _, c := range b.f.Conns {
		b.flow(c)
	}
	return b.f
}

// ---- 1. identities ----

func (b *funcBuilder) tracked(v ssa.Value) bool { _, ok := b.uf[v]; return ok }

func (b *funcBuilder) add(v ssa.Value) bool {
	if b.tracked(v) {
		return false
	}
	b.uf[v] = v
	return true
}

func (b *funcBuilder) find(v ssa.Value) ssa.Value {
	p, ok := b.uf[v]
	if !ok {
		return nil
	}
	for p != v {
		gp := b.uf[p]
		b.uf[v] = gp
		v, p = p, gp
	}
	return v
}

func (b *funcBuilder) union(x, y ssa.Value) {
	b.add(x)
	b.add(y)
	rx, ry := b.find(x), b.find(y)
	if rx != ry {
		b.uf[rx] = ry
	}
}

func (b *funcBuilder) root(v ssa.Value, o Origin, index int) {
	b.add(v)
	b.roots[v] = o
	b.rootIx[v] = index
}

func isCellOf(t types.Type) bool {
	p, ok := t.Underlying().(*types.Pointer)
	return ok && IsConnLike(p.Elem())
}

func (b *funcBuilder) identities() {
	for i, p := range b.fn.Params {
		if IsConnLike(p.Type()) {
			b.root(p, FromParam, i)
		}
	}
	for i, fv := range b.fn.FreeVars {
		if IsConnLike(fv.Type()) || isCellOf(fv.Type()) {
			b.root(fv, FromFreeVar, i)
		}
	}
	if groups := b.ps.sameConn[b.fn]; groups != nil {
		first := map[int]int{}
		for i, g := range groups {
			if g < 0 || !b.tracked(b.fn.FreeVars[i]) {
				continue
			}
			if j, ok := first[g]; ok {
				b.union(b.fn.FreeVars[j], b.fn.FreeVars[i])
			} else {
				first[g] = i
			}
		}
	}
	// Iterate to a fixpoint: a value is tracked when its operand is, and
	// operands may be defined later in block order (loops).
	for changed := true; changed; {
		changed = false
		for _, blk := range b.fn.Blocks {
			for _, instr := range blk.Instrs {
				if b.identity(instr) {
					changed = true
				}
			}
		}
	}
}

// identity processes one instruction; it reports whether a value became tracked.
func (b *funcBuilder) identity(instr ssa.Instruction) bool {
	before := len(b.uf)
	join := func(v, x ssa.Value) {
		if b.tracked(x) {
			b.union(v, x)
		}
	}
	switch in := instr.(type) {
	case *ssa.Alloc:
		if isCellOf(in.Type()) {
			b.add(in)
		}
	case *ssa.Phi:
		// A variable that holds this conn on some paths and another
		// stream on others (r = bytes.NewReader(...)) is still this conn
		// where it is: only the tracked edges join it.
		for _, e := range in.Edges {
			if b.tracked(e) {
				b.union(in, e)
			}
		}
	case *ssa.MakeInterface:
		join(in, in.X)
	case *ssa.ChangeInterface:
		join(in, in.X)
	case *ssa.ChangeType:
		join(in, in.X)
	case *ssa.Convert:
		join(in, in.X)
	case *ssa.TypeAssert:
		if b.tracked(in.X) {
			b.union(in, in.X)
		} else if !in.CommaOk && IsConnLike(in.AssertedType) {
			b.root(in, originOf(in.X), paramIndex(in.X))
		}
	case *ssa.Extract:
		switch t := in.Tuple.(type) {
		case *ssa.TypeAssert:
			if in.Index == 0 {
				if b.tracked(t.X) {
					b.union(in, t.X)
				} else if IsConnLike(in.Type()) {
					b.root(in, originOf(t.X), paramIndex(t.X))
				}
			}
		case *ssa.Call:
			if IsConnLike(in.Type()) && !b.tracked(in) {
				b.root(in, FromCall, 0)
				if datagramOrPipe(&t.Call) || b.ps.inMemoryCall(&t.Call, in.Index) {
					b.noTeardown[in] = true
				}
				if n := calleeName(&t.Call); strings.HasPrefix(n, "Accept") || n == "Hijack" {
					b.accepted[in] = true // the server's side: the client sent first
				}
				// A call that returns one conn and wrappers (Hijack's conn
				// and bufio.ReadWriter, a dial helper's conn and Scanner)
				// returns one connection.
				if oneConnResult(t.Type().(*types.Tuple)) {
					for _, r := range *t.Referrers() {
						if e, ok := r.(*ssa.Extract); ok && e != in && IsConnLike(e.Type()) {
							b.union(in, e)
						}
					}
				}
			}
		default:
			if IsConnLike(in.Type()) {
				b.root(in, FromHeap, 0)
			}
		}
	case *ssa.UnOp:
		switch {
		case in.Op == token.MUL && b.tracked(in.X):
			b.union(in, in.X)
		case IsConnLike(in.Type()):
			b.root(in, FromHeap, 0)
		}
	case *ssa.Store:
		if b.tracked(in.Addr) && b.tracked(in.Val) && isCell(in.Addr) {
			b.union(in.Val, in.Addr)
		}
	case *ssa.Call:
		if idx, ok := wrapperConstructors[keyOf(&in.Call)]; ok {
			ops := operands(&in.Call)
			for _, i := range idx {
				if i < len(ops) && b.tracked(ops[i]) {
					b.union(in, ops[i])
				}
			}
			if !b.tracked(in) && IsConn(in.Type()) {
				b.root(in, FromCall, 0) // tls.Client over an untracked conn
			}
		} else if IsConnLike(in.Type()) && !b.tracked(in) {
			b.root(in, FromCall, 0)
			if datagramOrPipe(&in.Call) || b.ps.inMemoryCall(&in.Call, 0) {
				b.noTeardown[in] = true
			}
		}
	case *ssa.FieldAddr:
		// &c.conn, the embedded struct through which *net.TCPConn's
		// promoted methods (Write, Read, Close) are called, is c itself.
		if b.tracked(in.X) && embeddedField(in.X.Type(), in.Field) {
			b.union(in, in.X)
		} else if IsConnLike(in.Type()) {
			b.root(in, FromHeap, 0)
		}
	case *ssa.Field, *ssa.Index, *ssa.IndexAddr, *ssa.Lookup:
		v := in.(ssa.Value)
		if IsConnLike(v.Type()) {
			b.root(v, FromHeap, 0)
		}
	}
	return len(b.uf) != before
}

// datagramOrPipe reports whether call makes a conn without TCP teardown:
// net.Pipe, or a Dial whose constant network is udp*, ip* or unixgram.
func datagramOrPipe(call *ssa.CallCommon) bool {
	var name string
	var args []ssa.Value
	if call.IsInvoke() {
		name, args = call.Method.Name(), call.Args
	} else {
		k, ok := funcKey(call.StaticCallee())
		if !ok {
			return false
		}
		if k == [2]string{"net", "Pipe"} {
			return true
		}
		if k[0] != "net" && k[0] != "net.Dialer" && k[0] != "crypto/tls" {
			return false
		}
		name, args = k[1], call.Args
		if k[0] == "net.Dialer" {
			args = args[1:]
		}
	}
	if !strings.HasPrefix(name, "Dial") {
		return false
	}
	for _, a := range args {
		if c, ok := a.(*ssa.Const); ok && c.Value != nil && c.Value.Kind() == constant.String {
			n := constant.StringVal(c.Value)
			return strings.HasPrefix(n, "udp") || strings.HasPrefix(n, "ip") || n == "unixgram"
		}
	}
	return false
}

// oneConnResult reports whether a result tuple holds at most one stream
// connection, the other conn-like results being wrappers or io views.
func oneConnResult(t *types.Tuple) bool {
	n := 0
	for v := range t.Variables() {
		if IsConn(v.Type()) {
			n++
		}
	}
	return n <= 1
}

func keyOf(call *ssa.CallCommon) [2]string {
	if call.IsInvoke() {
		return [2]string{}
	}
	k, _ := funcKey(call.StaticCallee())
	return k
}

func embeddedField(ptr types.Type, i int) bool {
	p, ok := ptr.Underlying().(*types.Pointer)
	if !ok {
		return false
	}
	st, ok := p.Elem().Underlying().(*types.Struct)
	return ok && i < st.NumFields() && st.Field(i).Embedded()
}

func isCell(v ssa.Value) bool {
	switch v.(type) {
	case *ssa.Alloc, *ssa.FreeVar:
		return true
	}
	return false
}

func isNilConst(v ssa.Value) bool {
	c, ok := v.(*ssa.Const)
	return ok && c.Value == nil
}

func originOf(v ssa.Value) Origin {
	if _, ok := v.(*ssa.Parameter); ok {
		return FromParam
	}
	return FromHeap
}

func paramIndex(v ssa.Value) int {
	if p, ok := v.(*ssa.Parameter); ok {
		for i, q := range p.Parent().Params {
			if q == p {
				return i
			}
		}
	}
	return 0
}

// operands returns the receiver (for methods) followed by the arguments.
func operands(call *ssa.CallCommon) []ssa.Value {
	if call.IsInvoke() {
		return append([]ssa.Value{call.Value}, call.Args...)
	}
	return call.Args
}

// makeConns turns the union-find classes into Conns, in a deterministic order.
func (b *funcBuilder) makeConns() {
	var order []ssa.Value
	seen := map[ssa.Value]bool{}
	visit := func(v ssa.Value) {
		r := b.find(v)
		if r != nil && !seen[r] {
			seen[r] = true
			order = append(order, r)
		}
	}
	for _, p := range b.fn.Params {
		visit(p)
	}
	for _, fv := range b.fn.FreeVars {
		visit(fv)
	}
	var members = map[ssa.Value][]ssa.Value{}
	for _, blk := range b.fn.Blocks {
		for _, instr := range blk.Instrs {
			if v, ok := instr.(ssa.Value); ok && b.tracked(v) {
				visit(v)
			}
		}
	}
	for v := range b.uf {
		r := b.find(v)
		members[r] = append(members[r], v)
	}
	for _, r := range order {
		c := &Conn{ID: len(b.f.Conns), Fn: b.f, Value: r, Reaching: map[*Event][]History{}}
		c.Origin = -1
		for _, v := range sortedValues(members[r]) {
			c.Values = append(c.Values, v)
			if o, ok := b.roots[v]; ok && (c.Origin < 0 || o > c.Origin) {
				c.Origin, c.Index = o, b.rootIx[v]
			}
			t := v.Type()
			if isCell(v) {
				t = t.Underlying().(*types.Pointer).Elem()
			}
			if IsConn(t) && (c.Type == nil || namedIs(t, "crypto/tls", "Conn")) {
				c.Type = t
			}
		}
		for _, v := range c.Values {
			if b.noTeardown[v] {
				c.Type = nil // not a stream connection: no rule judges its Close
			}
			c.Accepted = c.Accepted || b.accepted[v]
		}
		if c.Origin < 0 {
			c.Origin = FromHeap
		}
		b.conns[r] = c
		b.f.Conns = append(b.f.Conns, c)
	}
}

func sortedValues(vs []ssa.Value) []ssa.Value {
	// Parameters and free variables first, then by position, then by name.
	out := append([]ssa.Value(nil), vs...)
	rank := func(v ssa.Value) int {
		switch v.(type) {
		case *ssa.Parameter:
			return 0
		case *ssa.FreeVar:
			return 1
		}
		return 2
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0; j-- {
			a, c := out[j-1], out[j]
			if rank(a) < rank(c) || rank(a) == rank(c) && (a.Pos() < c.Pos() || a.Pos() == c.Pos() && a.Name() <= c.Name()) {
				break
			}
			out[j-1], out[j] = c, a
		}
	}
	return out
}

func (b *funcBuilder) connOf(v ssa.Value) *Conn {
	if r := b.find(v); r != nil {
		return b.conns[r]
	}
	return nil
}

func (b *funcBuilder) escape(c *Conn, why string) {
	if c != nil && c.Escaped == "" {
		c.Escaped = why
	}
}

// ---- 2. events and escapes ----

func (b *funcBuilder) eventsAndEscapes() {
	for _, blk := range b.fn.Blocks {
		for _, instr := range blk.Instrs {
			switch in := instr.(type) {
			case ssa.CallInstruction:
				b.call(in)
			case *ssa.Return:
				for _, r := range in.Results {
					b.escape(b.connOf(r), "returned")
				}
			case *ssa.Store:
				if c := b.connOf(in.Val); c != nil && !(isCell(in.Addr) && b.connOf(in.Addr) == c) {
					b.escape(c, "stored")
				}
			case *ssa.Send:
				b.escape(b.connOf(in.X), "sent on a channel")
			case *ssa.MapUpdate:
				b.escape(b.connOf(in.Value), "stored in a map")
				b.escape(b.connOf(in.Key), "stored in a map")
			case *ssa.MakeClosure:
				if !closureInlined(in) {
					for _, bind := range in.Bindings {
						b.escape(b.connOf(bind), "captured by a closure that outlives the call")
					}
				}
			case *ssa.RunDefers:
				for _, c := range b.f.Conns {
					b.addStep(c, in, step{op: stepRun})
				}
			case *ssa.If:
				b.edgeEvents(in)
			}
		}
	}
}

// resets starts a conn's history afresh where a call returns it: in a
// loop, each Accept or Dial makes a new connection, and the events of the
// previous iteration's connection are not its history.
func (b *funcBuilder) resets() {
	for _, c := range b.f.Conns {
		for _, v := range c.Values {
			if o, ok := b.roots[v]; !ok || o != FromCall {
				continue
			}
			var def ssa.Instruction
			switch v := v.(type) {
			case *ssa.Call:
				def = v
			case *ssa.Extract:
				def, _ = v.Tuple.(ssa.Instruction)
			}
			if def != nil {
				b.addStep(c, def, step{op: stepReset})
			}
		}
	}
}

// joins records, for conns used by goroutines started here, the places
// where the function may wait for them: channel receives (each may wait
// for one goroutine) and WaitGroup/errgroup Wait (waits for all).
func (b *funcBuilder) joins() {
	var conc []*Conn
	for _, c := range b.f.Conns {
		if c.Goroutines > 0 {
			conc = append(conc, c)
		}
	}
	if len(conc) == 0 {
		return
	}
	for _, blk := range b.fn.Blocks {
		for _, instr := range blk.Instrs {
			var k Kind
			switch in := instr.(type) {
			case *ssa.UnOp:
				if in.Op == token.ARROW {
					k = Join
				}
			case *ssa.Select:
				if in.Blocking {
					k = Join
				}
			case *ssa.Call:
				if key := keyOf(&in.Call); key[1] == "Wait" &&
					(key[0] == "sync.WaitGroup" || key[0] == "golang.org/x/sync/errgroup.Group") {
					k = JoinAll
				}
			}
			if k == 0 {
				continue
			}
			for _, c := range conc {
				ev := b.event(c, instr, k, "", modeCall, false)
				ev.Operand = -1
				b.addStep(c, instr, step{op: stepApply, paths: [][]*Event{{ev}}})
			}
		}
	}
}

// closureInlined reports whether a closure is only ever called, deferred
// or started right here (so its effects can be inlined at those sites).
func closureInlined(mc *ssa.MakeClosure) bool {
	for _, r := range *mc.Referrers() {
		ci, ok := r.(ssa.CallInstruction)
		if !ok {
			return false
		}
		call := ci.Common()
		if call.Value == mc {
			continue
		}
		if _, ok := goLaunchers[keyOf(call)]; ok && len(call.Args) > 1 && call.Args[1] == mc {
			continue
		}
		return false
	}
	return true
}

type callMode int

const (
	modeCall callMode = iota
	modeDefer
	modeGo
)

func (b *funcBuilder) call(instr ssa.CallInstruction) {
	call := instr.Common()
	mode := modeCall
	switch instr.(type) {
	case *ssa.Defer:
		mode = modeDefer
	case *ssa.Go:
		mode = modeGo
	}
	ops := operands(call)
	var any bool
	for _, o := range ops {
		if b.tracked(o) {
			any = true
		}
	}
	mc, _ := call.Value.(*ssa.MakeClosure)
	if !any && mc == nil {
		return
	}
	handled := map[int]bool{}
	apply := func(i int, paths []string, errKind, falseKind Kind, via string, calleeOwns bool, linger LingerValue) {
		handled[i] = true
		c := b.connOf(ops[i])
		if c == nil {
			return
		}
		b.applyPaths(c, instr, mode, i, paths, via, calleeOwns, linger)
		if mode == modeCall {
			if v, ok := instr.(*ssa.Call); ok {
				if errKind != 0 {
					setKind(b.onErr, v, c, errKind)
				}
				if falseKind != 0 {
					setKind(b.onFalse, v, c, falseKind)
				}
			}
		}
	}
	// direct applies catalogued effects. For package functions (not
	// methods) a write into a bufio.Writer operand is a buffered write.
	direct := func(effs []opEffect, via string, isFunc bool) {
		for _, e := range effs {
			if e.operand < len(ops) {
				var lv LingerValue
				if e.kinds == "l" && len(ops) > 1 {
					lv = lingerOf(ops[1])
				}
				kinds := e.kinds
				if isFunc && kinds == string(Write) && buffered(ops[e.operand]) {
					kinds = string(BufWrite) // fmt.Fprintf(bw, ...) fills bw's buffer
				}
				apply(e.operand, []string{kinds}, e.onErr, e.onFalse, via, false, lv)
			}
		}
	}

	switch {
	case call.IsInvoke():
		if effs, ok := methodEffects(call.Value.Type(), call.Method.Name()); ok {
			direct(effs, "", false)
			handled[0] = true
		}
	case mc != nil:
		b.inlineClosure(instr, mode, mc, ops, handled)
	default:
		callee := call.StaticCallee()
		key, _ := funcKey(callee)
		if idx, ok := wrapperConstructors[key]; ok {
			for _, i := range idx {
				handled[i] = true
			}
			break
		}
		if callee != nil && callee.Signature.Recv() != nil && len(ops) > 0 {
			if effs, ok := methodEffects(callee.Signature.Recv().Type(), callee.Name()); ok {
				direct(effs, "", false)
				handled[0] = true
				break
			}
		}
		if effs, ok := funcEffects[key]; ok {
			direct(effs, "", true)
			break
		}
		if i, ok := goLaunchers[key]; ok && i < len(ops) {
			if inner, ok := ops[i].(*ssa.MakeClosure); ok {
				b.inlineClosure(instr, modeGo, inner, nil, handled)
				handled[i] = true
			}
			break
		}
		if callee == nil {
			break
		}
		s := b.ps.summary(callee)
		if s == nil {
			break
		}
		owns := callee.Parent() == nil
		for i, o := range ops {
			if !b.tracked(o) {
				continue
			}
			if pe, ok := s.param(i); ok {
				apply(i, pe.Paths, errKindOf(pe.Paths), 0, callee.Name(), owns, LingerValue{})
			}
		}
	}
	// Anything we did not understand hands the conn on.
	for i, o := range ops {
		if b.tracked(o) && !handled[i] {
			b.escape(b.connOf(o), "passed to "+calleeName(call))
		}
	}
}

// buffered reports whether writes to v land in a bufio buffer: v is a
// *bufio.Writer or *bufio.ReadWriter, possibly converted to io.Writer.
func buffered(v ssa.Value) bool {
	for {
		switch x := v.(type) {
		case *ssa.MakeInterface:
			v = x.X
			continue
		case *ssa.ChangeInterface:
			v = x.X
			continue
		}
		return namedIs(v.Type(), "bufio", "Writer") || namedIs(v.Type(), "bufio", "ReadWriter")
	}
}

func setKind(m map[ssa.Value]map[*Conn]Kind, v ssa.Value, c *Conn, k Kind) {
	if m[v] == nil {
		m[v] = map[*Conn]Kind{}
	}
	m[v][c] = k
}

// errKindOf derives, from a helper's paths, what a non-nil error from it
// means: a helper that only reads met EOF or an error (ReadEOF); any other
// helper failed (Failed).
func errKindOf(paths []string) Kind {
	readOnly, any := true, false
	for _, p := range paths {
		for i := 0; i < len(p); i++ {
			any = true
			if k := Kind(p[i]); k != Read && k != ReadEOF {
				readOnly = false
			}
		}
	}
	if !any {
		return 0
	}
	if readOnly {
		return ReadEOF
	}
	return Failed
}

func calleeName(call *ssa.CallCommon) string {
	if call.IsInvoke() {
		return call.Method.Name()
	}
	if fn := call.StaticCallee(); fn != nil {
		return fn.Name()
	}
	return "a function value"
}

// inlineClosure applies a closure's summary at the site that calls,
// defers or starts it: its free variables map to the bindings, its
// parameters to the arguments.
func (b *funcBuilder) inlineClosure(instr ssa.CallInstruction, mode callMode, mc *ssa.MakeClosure, args []ssa.Value, handled map[int]bool) {
	fn, ok := mc.Fn.(*ssa.Function)
	if !ok {
		return
	}
	if _, built := b.ps.models[fn]; !built {
		groups := make([]int, len(mc.Bindings))
		for i, bind := range mc.Bindings {
			groups[i] = -1
			if c := b.connOf(bind); c != nil {
				groups[i] = c.ID
			}
		}
		b.ps.sameConn[fn] = groups
	}
	s := b.ps.summary(fn)
	for i, bind := range mc.Bindings {
		c := b.connOf(bind)
		if c == nil {
			continue
		}
		if s == nil {
			b.escape(c, "captured by a closure that cannot be analyzed")
			continue
		}
		for _, fe := range s.FreeVars {
			if fe.Index == i {
				b.applyPaths(c, instr, mode, -1, fe.Paths, "a closure", false, LingerValue{})
			}
		}
	}
	for i, a := range args {
		c := b.connOf(a)
		if c == nil {
			continue
		}
		if s != nil {
			if pe, ok := s.param(i); ok {
				handled[i] = true
				b.applyPaths(c, instr, mode, i, pe.Paths, "a closure", true, LingerValue{})
				if v, ok := instr.(*ssa.Call); ok && mode == modeCall {
					if k := errKindOf(pe.Paths); k != 0 {
						setKind(b.onErr, v, c, k)
					}
				}
			}
		}
	}
}

// applyPaths turns the kind strings of paths into events at instr, and
// registers them as a step of c's flow.
func (b *funcBuilder) applyPaths(c *Conn, instr ssa.CallInstruction, mode callMode, operand int, paths []string, via string, calleeOwns bool, linger LingerValue) {
	var evPaths [][]*Event
	for _, p := range paths {
		var evs []*Event
		for i := 0; i < len(p); i++ {
			k := Kind(p[i])
			if k == Escape {
				b.escape(c, "handed on by "+via)
				return
			}
			if mode == modeGo {
				// A goroutine runs concurrently: its reads are not ordered
				// with this function's events. Reading until EOF makes it
				// the drain of a proxy; any read forbids draining here.
				switch k {
				case ReadEOF, Read:
					c.ConcurrentDrain = c.ConcurrentDrain || k == ReadEOF
					c.ConcurrentRead = true
					if c.goReaders == nil {
						c.goReaders = map[ssa.Instruction]bool{}
					}
					c.goReaders[instr] = true
					continue
				}
			}
			ev := b.event(c, instr, k, via, mode, calleeOwns)
			ev.Linger = linger
			ev.Operand = operand
			evs = append(evs, ev)
		}
		evPaths = append(evPaths, evs)
	}
	if mode == modeGo {
		if b.goSites[c] == nil {
			b.goSites[c] = map[ssa.Instruction]bool{}
		}
		if !b.goSites[c][instr] {
			b.goSites[c][instr] = true
			c.Goroutines++
		}
	}
	if mode == modeDefer {
		b.groups[c] = append(b.groups[c], evPaths)
		b.addStep(c, instr, step{op: stepPush, group: len(b.groups[c]) - 1})
		return
	}
	b.addStep(c, instr, step{op: stepApply, paths: evPaths})
}

func (b *funcBuilder) event(c *Conn, instr ssa.Instruction, k Kind, via string, mode callMode, calleeOwns bool) *Event {
	key := evKey{c, instr, k, via, mode == modeDefer, mode == modeGo}
	if ev, ok := b.evs[key]; ok {
		return ev
	}
	pos := instr.Pos()
	if ci, ok := instr.(ssa.CallInstruction); ok && mode == modeCall && ci.Common().Pos().IsValid() {
		pos = ci.Common().Pos()
	}
	ev := &Event{ID: b.nextID, Kind: k, Conn: c, Pos: pos, Instr: instr, Via: via,
		Deferred: mode == modeDefer, Concurrent: mode == modeGo, CalleeOwns: calleeOwns}
	b.nextID++
	b.evs[key] = ev
	c.Events = append(c.Events, ev)
	return ev
}

func (b *funcBuilder) addStep(c *Conn, instr ssa.Instruction, s step) {
	m := b.steps[c]
	if m == nil {
		m = map[ssa.Instruction][]step{}
		b.steps[c] = m
	}
	m[instr] = append(m[instr], s)
}

// edgeEvents learns from a branch on an operation's result: on the edge
// where a write's error is non-nil the conn is broken (Failed); where a
// read's error is non-nil, or io.EOF, or Scanner.Scan is false, the read
// side has ended (ReadEOF).
func (b *funcBuilder) edgeEvents(ifi *ssa.If) {
	type hit struct {
		call    ssa.Value
		onTrue  bool // the interesting outcome is on the true edge
		eofOnly bool // only read-side events apply (err == io.EOF)
		isFalse bool // use onFalse (bool results) instead of onErr
	}
	var h *hit
	switch cond := ifi.Cond.(type) {
	case *ssa.BinOp:
		if cond.Op != token.EQL && cond.Op != token.NEQ {
			break
		}
		x, y := cond.X, cond.Y
		if isNilConst(x) {
			x, y = y, x
		}
		if call := errCall(x); call != nil {
			if isNilConst(y) {
				h = &hit{call: call, onTrue: cond.Op == token.NEQ}
			} else if isEOF(y) {
				// err == io.EOF: true edge; err != io.EOF: false edge.
				h = &hit{call: call, onTrue: cond.Op == token.EQL, eofOnly: true}
			}
		}
	case *ssa.Call:
		if k, _ := funcKey(cond.Call.StaticCallee()); k == [2]string{"errors", "Is"} && len(cond.Call.Args) == 2 && isEOF(cond.Call.Args[1]) {
			if call := errCall(cond.Call.Args[0]); call != nil {
				h = &hit{call: call, onTrue: true, eofOnly: true}
			}
		} else if _, ok := b.onFalse[cond]; ok {
			h = &hit{call: cond, isFalse: true}
		}
	}
	if h == nil {
		b.assertEdge(ifi)
		return
	}
	kinds := b.onErr[h.call]
	if h.isFalse {
		kinds = b.onFalse[h.call]
	}
	for _, c := range b.f.Conns {
		k, ok := kinds[c]
		if !ok || (h.eofOnly && k != ReadEOF) {
			continue
		}
		ev := b.event(c, ifi, k, "", modeCall, false)
		ev.Operand = -1
		ev.Pos = h.call.Pos()
		if call, ok := h.call.(*ssa.Call); ok && call.Call.Pos().IsValid() {
			ev.Pos = call.Call.Pos()
		}
		m := b.edges[c]
		if m == nil {
			m = map[*ssa.If][2]*Event{}
			b.edges[c] = m
		}
		var pair [2]*Event
		if h.onTrue {
			pair[0] = ev
		} else {
			pair[1] = ev
		}
		m[ifi] = pair
	}
}

// assertEdge handles `if cw, ok := c.(interface{ CloseWrite() error }); ok`:
// on the edge where the assertion fails the conn cannot be half-closed,
// so that path has done all it can (a CloseWrite event); likewise for a
// drain helper interface. This keeps "half-close if possible" code quiet.
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
	if obj, _, _ := types.LookupFieldOrMethod(ta.AssertedType, true, nil, "CloseWrite"); obj == nil {
		return
	}
	ev := b.event(c, ifi, CloseWrite, "", modeCall, false)
	ev.Operand = -1
	ev.Pos = ta.Pos()
	m := b.edges[c]
	if m == nil {
		m = map[*ssa.If][2]*Event{}
		b.edges[c] = m
	}
	m[ifi] = [2]*Event{nil, ev}
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

func isErrorType(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

func isEOF(v ssa.Value) bool {
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		if g, ok := u.X.(*ssa.Global); ok {
			return g.Name() == "EOF" && g.Pkg != nil && g.Pkg.Pkg.Path() == "io"
		}
	}
	return false
}

// ---- linger ----

// lingerOf proves the seconds argument of SetLinger.
func lingerOf(v ssa.Value) LingerValue {
	n, ok := constInt(v, 0)
	return LingerValue{Known: ok, On: n >= 0, Secs: n}
}

// constInt proves v is one integer constant (through conversions and
// Phis whose edges all agree).
func constInt(v ssa.Value, depth int) (int64, bool) {
	if depth > 8 {
		return 0, false
	}
	switch v := v.(type) {
	case *ssa.Const:
		if v.Value != nil && v.Value.Kind() == constant.Int {
			return constant.Int64Val(v.Value)
		}
	case *ssa.Convert:
		return constInt(v.X, depth+1)
	case *ssa.ChangeType:
		return constInt(v.X, depth+1)
	case *ssa.Phi:
		var n int64
		for i, e := range v.Edges {
			m, ok := constInt(e, depth+1)
			if !ok || (i > 0 && m != n) {
				return 0, false
			}
			n = m
		}
		return n, len(v.Edges) > 0
	}
	return 0, false
}

// rawLingerOf proves the fields of the *Linger passed to SetsockoptLinger:
// a local struct whose fields are only ever stored constants, possibly
// copied whole from another such struct (go/ssa builds `l :=
// Linger{...}` in a temporary and copies it into l).
func rawLingerOf(v ssa.Value) LingerValue {
	fields, ok := lingerFields(v, 0)
	if !ok {
		return LingerValue{}
	}
	return LingerValue{Known: true, On: fields["Onoff"] != 0, Secs: fields["Linger"]}
}

func lingerFields(v ssa.Value, depth int) (map[string]int64, bool) {
	alloc, ok := v.(*ssa.Alloc)
	if !ok || depth > 4 {
		return nil, false
	}
	fields := map[string]int64{} // unset fields are zero
	for _, r := range *alloc.Referrers() {
		if s, ok := r.(*ssa.Store); ok && s.Addr == alloc {
			// The whole struct is stored: it must be a copy of another
			// proven local, and it must be the only whole store.
			load, ok := s.Val.(*ssa.UnOp)
			if !ok || load.Op != token.MUL {
				return nil, false
			}
			src, ok := lingerFields(load.X, depth+1)
			if !ok || len(fields) > 0 {
				return nil, false
			}
			for k, n := range src {
				fields[k] = n
			}
		}
	}
	for _, r := range *alloc.Referrers() {
		fa, ok := r.(*ssa.FieldAddr)
		if !ok {
			continue // the call itself, the copy, debug refs
		}
		st := fa.X.Type().Underlying().(*types.Pointer).Elem().Underlying().(*types.Struct)
		name := st.Field(fa.Field).Name()
		for _, fr := range *fa.Referrers() {
			if s, ok := fr.(*ssa.Store); ok && s.Addr == fa {
				n, ok := constInt(s.Val, 0)
				if !ok {
					return nil, false
				}
				fields[name] = n
			}
		}
	}
	return fields, true
}

func (ps *pkgState) collectLingers(fn *ssa.Function) {
	for _, blk := range fn.Blocks {
		for _, instr := range blk.Instrs {
			ci, ok := instr.(ssa.CallInstruction)
			if !ok {
				continue
			}
			call := ci.Common()
			op := &LingerOp{Call: call, Instr: ci, Fn: fn, Pos: call.Pos()}
			switch {
			case call.IsInvoke() && call.Method.Name() == "SetLinger" && len(call.Args) == 1:
				op.Value = lingerOf(call.Args[0])
			case !call.IsInvoke():
				key, ok := funcKey(call.StaticCallee())
				if !ok {
					continue
				}
				switch {
				case key[1] == "SetLinger" && len(call.Args) == 2 && IsConn(call.Args[0].Type()):
					op.Value = lingerOf(call.Args[1])
				case (key[0] == "syscall" || key[0] == "golang.org/x/sys/unix") && key[1] == "SetsockoptLinger" && len(call.Args) == 4:
					op.Raw = true
					op.Value = rawLingerOf(call.Args[3])
				default:
					continue
				}
			default:
				continue
			}
			if !op.Pos.IsValid() {
				op.Pos = instr.Pos()
			}
			ps.result.Lingers = append(ps.result.Lingers, op)
		}
	}
}

var _ = fmt.Sprint
