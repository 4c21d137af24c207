package connflow

import (
	"go/ast"
	"go/types"
)

// This file decides which functions whose signature only has an object
// that holds a conn-like field (a method of a bufio-like reader over an
// io.Reader, say) get SSA. Their models matter to callers in the package
// (objects.go), and to the rules when the object holds a stream conn;
// they export no fact (no conn-like parameter, no conn result: no
// Summary, Signals, Wraps or InMemory fact, and a function that reaches a
// linger setting is selected for that). So one is built when:
//
//   - an expression in its body, or its receiver or a parameter, has a
//     type that holds a conn, however deep (deepConn): its model may have
//     a conn a rule judges, or a store that collections.go counts;
//   - it refers to a function of the package with a conn-like parameter:
//     its calls count for refine.go and aliases.go;
//   - its body is longer, in bytes, than the block budget: it might be
//     over it, and the note that says so must not depend on this choice;
//   - it is used other than by a call (a method value stored in a
//     handler field, fieldfuncs.go), or outside any function;
//   - a function that is built refers to it (the closure of the above).
//
// Every other such function is modelled by no one and judged by no rule:
// building it cost a third of connflow's work on std.

// reachObjects selects the object-only functions that are reached, as
// the file comment says.
func (s *selector) reachObjects(maxBlocks int) {
	cands := map[*ast.FuncDecl]bool{}
	for _, sp := range s.decls {
		d := sp.decl
		if !s.objOnly[d] || s.sel.decls[d] {
			continue
		}
		if s.connDeep[d] || s.deepSig(d) || maxBlocks > 0 && int(d.Body.End()-d.Body.Pos()) > maxBlocks {
			s.sel.decls[d] = true
			continue
		}
		cands[d] = true
	}
	if len(cands) == 0 {
		return
	}
	users := map[*ast.FuncDecl][]*ast.FuncDecl{} // candidate -> the functions that refer to it
	uses := map[*ast.FuncDecl][]*ast.Ident{}     // user -> its references to candidates
	for id, obj := range s.pass.TypesInfo.Uses {
		fn, ok := obj.(*types.Func)
		if !ok || fn.Pkg() != s.pass.Pkg {
			continue
		}
		user := s.declAt(id.Pos())
		if cands[user] && sigHasConnLike(fn.Type().(*types.Signature)) {
			s.sel.decls[user] = true
		}
		callee := s.declOf(fn.Origin())
		switch {
		case callee == nil || !cands[callee] || callee == user:
		case user == nil:
			s.sel.decls[callee] = true
		default:
			users[callee] = append(users[callee], user)
			uses[user] = append(uses[user], id)
		}
	}
	s.valueUses(uses)
	for changed := true; changed; {
		changed = false
		for callee, us := range users {
			for _, u := range us {
				if s.sel.decls[u] && !s.sel.decls[callee] {
					s.sel.decls[callee], changed = true, true
				}
			}
		}
	}
}

// valueUses selects the functions that a reference in uses (by the
// function that makes them) names other than as the callee of a call.
func (s *selector) valueUses(uses map[*ast.FuncDecl][]*ast.Ident) {
	for user, ids := range uses {
		called := map[*ast.Ident]bool{}
		ast.Inspect(user, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				switch fun := ast.Unparen(call.Fun).(type) {
				case *ast.Ident:
					called[fun] = true
				case *ast.SelectorExpr:
					called[fun.Sel] = true
				}
			}
			return true
		})
		for _, id := range ids {
			if !called[id] {
				fn := s.pass.TypesInfo.Uses[id].(*types.Func)
				s.sel.decls[s.declOf(fn.Origin())] = true
			}
		}
	}
}

// deepSig reports whether the receiver or a parameter of d has a type
// that holds a conn (a method reaches a promoted field's methods without
// an expression of the field's type).
func (s *selector) deepSig(d *ast.FuncDecl) bool {
	return sigHas(s.pass.TypesInfo.Defs[d.Name].Type().(*types.Signature), s.deepConn)
}

// deepConn reports whether a value of type t is or holds a conn: through
// pointers, struct fields, and the elements of arrays, slices, maps and
// channels.
func (s *selector) deepConn(t types.Type) bool {
	if t == nil {
		return false
	}
	if d, ok := s.deep[t]; ok {
		return d
	}
	s.deep[t] = false // a type that holds itself holds nothing more
	d := IsConn(t)
	if !d {
		switch u := t.Underlying().(type) {
		case *types.Pointer:
			d = s.deepConn(u.Elem())
		case *types.Array:
			d = s.deepConn(u.Elem())
		case *types.Slice:
			d = s.deepConn(u.Elem())
		case *types.Chan:
			d = s.deepConn(u.Elem())
		case *types.Map:
			d = s.deepConn(u.Key()) || s.deepConn(u.Elem())
		case *types.Struct:
			for f := range u.Fields() {
				if d = s.deepConn(f.Type()); d {
					break
				}
			}
		case *types.Tuple:
			for v := range u.Variables() {
				if d = s.deepConn(v.Type()); d {
					break
				}
			}
		}
	}
	s.deep[t] = d
	return d
}
