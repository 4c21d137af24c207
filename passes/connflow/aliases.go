package connflow

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// This file decides which parameters of a helper are one connection
// because every caller passes them so: a helper that receives a conn and
// a bufio.Reader over it (`handle(c, bufio.NewReader(c))`) drains the conn
// when it drains the reader. Only unexported functions qualify whose
// every use in the package is a call, in a function that is built, that
// passes the two as views of one value: a wrapper built over it, a
// conversion of it, or the value itself. Their model joins the
// parameters into one conn (identity.go), whose summary speaks for the
// first of them (summary.go).

// aliasedParams finds, for each function of the package that is only
// ever called where it is seen (calledOnly), the groups of conn-like
// parameters that every call passes as one conn. It returns, per
// function, the group of each parameter (-1: none), and which of those
// parameters every call passes an encoder made over a bufio.Writer
// (encodesIntoBuffer): joined to the conn, such a parameter's Encodes
// are buffered writes, which the caller could no longer tell apart in
// the group's one summary. only returns the functions called only where
// seen, asked only if some call agrees.
func aliasedParams(funcs []*ssa.Function, only func() map[types.Object]bool) (map[*ssa.Function][]int, map[*ssa.Function][]bool) {
	calls := map[*ssa.Function][][]ssa.Value{}
	for _, fn := range funcs {
		for _, blk := range fn.Blocks {
			for _, instr := range blk.Instrs {
				if ci, ok := instr.(ssa.CallInstruction); ok && !ci.Common().IsInvoke() {
					if callee, ok := ci.Common().Value.(*ssa.Function); ok {
						calls[callee] = append(calls[callee], ci.Common().Args)
					}
				}
			}
		}
	}
	out, buffered := map[*ssa.Function][]int{}, map[*ssa.Function][]bool{}
	for _, fn := range funcs {
		if fn.Parent() != nil || fn.Object() == nil || len(calls[fn]) == 0 {
			continue
		}
		if groups := agreedGroups(fn, calls[fn]); groups != nil && only()[fn.Object()] {
			out[fn] = groups
			buffered[fn] = bufferedEncoderArgs(groups, calls[fn])
		}
	}
	return out, buffered
}

// bufferedEncoderArgs returns, per parameter, whether it is in a group
// and every call passes it an encoder made over a bufio.Writer.
func bufferedEncoderArgs(groups []int, calls [][]ssa.Value) []bool {
	buffered := make([]bool, len(groups))
	for j, g := range groups {
		buffered[j] = g >= 0 && !slices.ContainsFunc(calls, func(args []ssa.Value) bool {
			return j >= len(args) || !encodesIntoBuffer(args[j])
		})
	}
	return buffered
}

// calledOnly returns the unexported functions and methods of the package
// whose every use is a call inside a function that is built (decls): all
// their callers are seen. A method that an interface of the package
// names may be called through it, and does not qualify.
func calledOnly(pass *analysis.Pass, decls map[*ast.FuncDecl]bool) map[types.Object]bool {
	// The identifiers that name the callee of a call in a built function:
	// a use of one of the package's functions by any other identifier
	// disqualifies it. Only the built functions are walked.
	callee := map[*ast.Ident]bool{}
	for fd, built := range decls {
		if !built {
			continue
		}
		ast.Inspect(fd, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				switch fun := ast.Unparen(call.Fun).(type) {
				case *ast.Ident:
					callee[fun] = true
				case *ast.SelectorExpr:
					callee[fun.Sel] = true
				}
			}
			return true
		})
	}
	bad := map[types.Object]bool{}
	for id, obj := range pass.TypesInfo.Uses {
		if fn, ok := obj.(*types.Func); ok && fn.Pkg() == pass.Pkg && !callee[id] {
			bad[obj] = true
		}
	}
	ifaceMethods := interfaceMethods(pass)
	out := map[types.Object]bool{}
	for _, obj := range pass.TypesInfo.Defs {
		fn, ok := obj.(*types.Func)
		if !ok || fn.Exported() || bad[obj] || isMethod(fn) && ifaceMethods[fn.Name()] {
			continue
		}
		out[obj] = true
	}
	return out
}

// isMethod reports whether fn is a method.
func isMethod(fn *types.Func) bool { return fn.Type().(*types.Signature).Recv() != nil }

// interfaceMethods returns the names of the methods of the interface
// types the package's code mentions: a method of one of those names may
// be called through the interface.
func interfaceMethods(pass *analysis.Pass) map[string]bool {
	names := map[string]bool{}
	seen := map[*types.Interface]bool{}
	for _, tv := range pass.TypesInfo.Types {
		iface, ok := tv.Type.Underlying().(*types.Interface)
		if !ok || seen[iface] {
			continue
		}
		seen[iface] = true
		for m := range iface.Methods() {
			names[m.Name()] = true
		}
	}
	return names
}

// agreedGroups returns the group of each parameter of fn, given the
// arguments of its calls: parameters i < j are in one group (i's) when
// every call passes views of one value. nil if no two are.
func agreedGroups(fn *ssa.Function, calls [][]ssa.Value) []int {
	groups := make([]int, len(fn.Params))
	found := false
	for i := range groups {
		groups[i] = -1
	}
	for j, pj := range fn.Params {
		if !IsConnLike(pj.Type()) {
			continue
		}
		for i := range j {
			if groups[i] >= 0 && groups[i] != i || !IsConnLike(fn.Params[i].Type()) {
				continue
			}
			if slices.ContainsFunc(calls, func(args []ssa.Value) bool {
				return len(args) != len(fn.Params) || viewOf(args[i]) != viewOf(args[j])
			}) {
				continue
			}
			groups[i], groups[j], found = i, i, true
			break
		}
	}
	if !found {
		return nil
	}
	return groups
}

// viewOf returns the value v is a view of: through conversions, wrapper
// constructors (bufio.NewReader(c) is a view of c), and loads of a local
// variable stored once.
func viewOf(v ssa.Value) ssa.Value {
	for range 16 {
		switch x := v.(type) {
		case *ssa.MakeInterface, *ssa.ChangeInterface, *ssa.ChangeType:
			v = Unconvert(x)
		case *ssa.Convert:
			v = x.X
		case *ssa.Call:
			idx, ok := wrapperArgs(&x.Call)
			if !ok || len(idx) != 1 || idx[0] >= len(x.Call.Args) {
				return v
			}
			v = x.Call.Args[idx[0]]
		case *ssa.UnOp:
			a, ok := x.X.(*ssa.Alloc)
			if x.Op != token.MUL || !ok || storedOnce(a) == nil {
				return v
			}
			v = storedOnce(a)
		default:
			return v
		}
	}
	return v
}

// storedOnce returns the one value stored into the local variable a, or
// nil.
func storedOnce(a *ssa.Alloc) ssa.Value {
	var val ssa.Value
	for _, r := range *a.Referrers() {
		if s, ok := r.(*ssa.Store); ok && s.Addr == a {
			if val != nil {
				return nil
			}
			val = s.Val
		}
	}
	return val
}

// encodesIntoBufferParam reports whether v is a parameter of the function
// that every caller passes an encoder made over a bufio.Writer.
func (b *funcBuilder) encodesIntoBufferParam(v ssa.Value) bool {
	p, ok := Unconvert(v).(*ssa.Parameter)
	if !ok {
		return false
	}
	enc := b.ps.bufferedEncoders[b.fn]
	i := slices.Index(b.fn.Params, p)
	return i >= 0 && i < len(enc) && enc[i]
}

// joinAliasedParams joins the parameters that every caller passes as one
// conn (aliasedParams).
func (b *funcBuilder) joinAliasedParams() {
	b.f.aliases = b.ps.aliases[b.fn]
	for j, g := range b.f.aliases {
		if g >= 0 && g != j {
			b.uf.union(b.fn.Params[g], b.fn.Params[j])
		}
	}
}
