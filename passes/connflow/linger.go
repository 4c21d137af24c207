package connflow

import (
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// This file finds the places that set SO_LINGER and proves the values
// they set. Setting linger is judged at the call (lingerzero,
// lingerblock), whether or not the conn is owned here.

// LingerValue is what a SetLinger call or SO_LINGER option sets.
type LingerValue struct {
	// Known reports whether the seconds value (and, for raw options, the
	// on/off flag) are proven constants.
	Known bool
	On    bool  // SO_LINGER is enabled (SetLinger(n) with n >= 0)
	Secs  int64 // linger seconds
}

// A LingerOp is one place that sets SO_LINGER: SetLinger on a conn (any
// static type, including type assertions to anonymous interfaces), or
// syscall/unix SetsockoptLinger.
type LingerOp struct {
	Call  *ssa.CallCommon
	Instr ssa.CallInstruction
	Fn    *ssa.Function
	Value LingerValue
	Raw   bool      // syscall/unix SetsockoptLinger rather than SetLinger
	Pos   token.Pos // the call
	// FromParam is set when the value is a parameter of Fn (or a field
	// of one), passed by its callers: it is judged at the calls that
	// supply it (lingercalls.go).
	FromParam bool
	// Via names the helper through which a call sets SO_LINGER: the
	// call supplies a value that reaches the helper's SetLinger (or
	// SO_LINGER) through a parameter or a field of one. "" for a
	// SetLinger called here.
	Via string
	// Abort and Why are what the helper says for itself, for every
	// call: whether a //teardown:abort directive covers its SetLinger,
	// and the texts that may justify it (the comment above its
	// SetLinger, its doc comment).
	Abort bool
	Why   []string
}

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

// lingerFields returns the constant fields of the local Linger struct v,
// false if one is not proven.
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

// collectLingers adds fn's SO_LINGER settings to the package's result.
func (ps *pkgState) collectLingers(fn *ssa.Function) {
	for _, blk := range fn.Blocks {
		for _, instr := range blk.Instrs {
			if ci, ok := instr.(ssa.CallInstruction); ok {
				if op := lingerCall(fn, ci); op != nil {
					ps.result.Lingers = append(ps.result.Lingers, op)
				}
			}
		}
	}
}

// lingerCall returns the linger setting ci makes, or nil: SetLinger
// through an interface (any, even an anonymous one) with one argument,
// a static SetLinger method of a conn type, or syscall/unix
// SetsockoptLinger.
func lingerCall(fn *ssa.Function, ci ssa.CallInstruction) *LingerOp {
	call := ci.Common()
	op := &LingerOp{Call: call, Instr: ci, Fn: fn, Pos: call.Pos()}
	if !op.Pos.IsValid() {
		op.Pos = ci.Pos()
	}
	if call.IsInvoke() {
		if call.Method.Name() != "SetLinger" || len(call.Args) != 1 {
			return nil
		}
		op.Value = lingerOf(call.Args[0])
		return op
	}
	key, ok := funcKey(call.StaticCallee())
	switch {
	case !ok:
		return nil
	case key[1] == "SetLinger" && len(call.Args) == 2 && IsConn(call.Args[0].Type()):
		op.Value = lingerOf(call.Args[1])
	case (key[0] == "syscall" || key[0] == "golang.org/x/sys/unix") && key[1] == "SetsockoptLinger" && len(call.Args) == 4:
		op.Raw = true
		op.Value = rawLingerOf(call.Args[3])
	default:
		return nil
	}
	return op
}
