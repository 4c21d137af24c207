package connflow

import (
	"go/types"
	"strings"
)

// This file decides what a connection is, by its type. The predicates
// below are the only place that decides; everything else asks them.

// namedIs reports whether t (or *t) is the named type pkg.name.
func namedIs(t types.Type, pkg, name string) bool {
	p, n := typeName(t)
	return n == name && p == pkg
}

// typeName returns the package path and name of t or *t, if named.
func typeName(t types.Type) (pkg, name string) {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return "", ""
	}
	obj := n.Obj()
	if obj.Pkg() == nil {
		return "", obj.Name()
	}
	return obj.Pkg().Path(), obj.Name()
}

// streamConnTypes are the concrete and interface types whose Close
// performs a TCP (or stream-socket) teardown.
var streamConnTypes = [][2]string{
	{"net", "Conn"},
	{"net", "TCPConn"},
	{"net", "UnixConn"},
	{"net", "conn"}, // embedded in TCPConn and UnixConn: their promoted methods are its
	{"crypto/tls", "Conn"},
}

// noTeardownTypes have no TCP teardown: datagram sockets and in-memory pipes.
var noTeardownTypes = [][2]string{
	{"net", "UDPConn"},
	{"net", "IPConn"},
	{"net", "PacketConn"},
}

// IsConn reports whether a value of type t is a stream connection whose
// Close can send RST: net.Conn, *net.TCPConn, *net.UnixConn, *tls.Conn,
// or an interface whose method set makes it one (a net.Conn with extra
// methods, or an anonymous interface with CloseWrite or SetLinger).
// Type parameters are never connections: code generic over the conn type
// cannot know what Close does.
func IsConn(t types.Type) bool {
	if t == nil {
		return false
	}
	pkg, name := typeName(t)
	for _, nt := range noTeardownTypes {
		if nt[0] == pkg && nt[1] == name {
			return false
		}
	}
	for _, ct := range streamConnTypes {
		if ct[0] == pkg && ct[1] == name {
			return true
		}
	}
	if _, ok := types.Unalias(t).(*types.TypeParam); ok {
		return false
	}
	iface, ok := t.Underlying().(*types.Interface)
	if !ok {
		return false
	}
	// An anonymous interface asserted for its CloseWrite or SetLinger
	// (c.(interface{ CloseWrite() error })) views a conn. A named one
	// with CloseWrite may be anything that half-closes (ssh.Channel): it
	// is a conn only with net.Conn's method set, below.
	if _, named := types.Unalias(t).(*types.Named); !named && (hasMethod(iface, "CloseWrite") || hasMethod(iface, "SetLinger")) {
		return true
	}
	// An interface that embeds net.Conn (or spells out its methods).
	return hasMethod(iface, "Read") && hasMethod(iface, "Write") && hasMethod(iface, "Close") &&
		hasMethod(iface, "SetReadDeadline") && hasMethod(iface, "RemoteAddr")
}

// hasMethod reports whether iface has a method named name.
func hasMethod(iface *types.Interface, name string) bool {
	for m := range iface.Methods() {
		if m.Name() == name {
			return true
		}
	}
	return false
}

// ioRoles are the io interfaces through which helpers commonly receive a
// connection. A function with a parameter of one of these types gets a
// summary (a fact), so that a conn passed to it is still understood.
var ioRoles = []string{
	"Reader", "Writer", "Closer", "ReadWriter", "ReadCloser", "WriteCloser", "ReadWriteCloser",
}

// wrapperTypes carry a connection's bytes: a value of one of these types
// that was built over a conn is treated as that conn.
var wrapperTypes = [][2]string{
	{"bufio", "Writer"},
	{"bufio", "Reader"},
	{"bufio", "ReadWriter"},
	{"bufio", "Scanner"},
	{"net/textproto", "Conn"},
	{"net/textproto", "Reader"},
	{"net/textproto", "Writer"},
	{"encoding/json", "Encoder"},
	{"encoding/json", "Decoder"},
	{"encoding/gob", "Encoder"},
	{"encoding/gob", "Decoder"},
	{"io", "LimitedReader"},
}

// IsConnLike reports whether a value of type t may carry a connection:
// a connection itself, an io interface, or a wrapper over a stream.
// Parameters of these types get summaries.
func IsConnLike(t types.Type) bool {
	if IsConn(t) {
		return true
	}
	pkg, name := typeName(t)
	if pkg == "io" {
		for _, r := range ioRoles {
			if name == r {
				return true
			}
		}
	}
	return isWrapperName(pkg, name) || conventionalCodec(t) != notCodec
}

// isWrapper reports whether t is a byte-carrying wrapper type.
func isWrapper(t types.Type) bool { return isWrapperName(typeName(t)) }

// isWrapperName reports whether the type named pkg.name (or a pointer
// to it) is a byte-carrying wrapper type.
func isWrapperName(pkg, name string) bool {
	for _, w := range wrapperTypes {
		if w[0] == pkg && w[1] == name {
			return true
		}
	}
	return false
}

// isLingerStruct reports whether t is syscall.Linger or unix.Linger (or a pointer to one).
func isLingerStruct(t types.Type) bool {
	return namedIs(t, "syscall", "Linger") || namedIs(t, "golang.org/x/sys/unix", "Linger")
}

// mentionsConn reports whether t makes a function worth building SSA for
// when it appears inside its body: a connection, a linger struct, or an
// http.Hijacker (whose Hijack returns one).
func mentionsConn(t types.Type) bool {
	if t == nil {
		return false
	}
	if tup, ok := t.(*types.Tuple); ok {
		for v := range tup.Variables() {
			if mentionsConn(v.Type()) {
				return true
			}
		}
		return false
	}
	return IsConn(t) || isLingerStruct(t) || namedIs(t, "net/http", "Hijacker") ||
		namedIs(t, "net", "Listener") || namedIs(t, "net", "TCPListener") || namedIs(t, "net", "Dialer")
}

// codecKind says which side of the stream a conventional codec type
// carries (conventionalCodec).
type codecKind int

const (
	notCodec codecKind = iota
	encoderCodec
	decoderCodec
)

// conventionalCodec says whether t is (a pointer to) an encoder or a
// decoder of a package outside the standard library that follows
// encoding/json's convention: a type named Encoder with a method Encode,
// made by the package's NewEncoder(w io.Writer, ...) *Encoder (Decoder,
// Decode, NewDecoder(r io.Reader, ...) *Decoder). go-msgpack's and
// ugorji's codec, vmihailenco's msgpack, fxamacker's cbor and
// BurntSushi's toml have that shape. A value built over a conn by such a
// constructor is that conn (wrapperArgs); its Encode methods write to it
// and its Decode methods read from it (methodEffects), and its other
// methods are unknown. The standard library's codecs are in the
// catalogue by name (encoding/xml, whose Encoder buffers and has a
// Close, is not among them).
func conventionalCodec(t types.Type) codecKind {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil || isStd(n.Obj().Pkg().Path()) {
		return notCodec
	}
	var kind codecKind
	var method, param string
	switch n.Obj().Name() {
	case "Encoder":
		kind, method, param = encoderCodec, "Encode", "Writer"
	case "Decoder":
		kind, method, param = decoderCodec, "Decode", "Reader"
	default:
		return notCodec
	}
	ctor, ok := n.Obj().Pkg().Scope().Lookup("New" + n.Obj().Name()).(*types.Func)
	if !ok {
		return notCodec
	}
	sig := ctor.Signature()
	if sig.Params().Len() == 0 || !namedIs(sig.Params().At(0).Type(), "io", param) ||
		sig.Results().Len() == 0 || !types.Identical(sig.Results().At(0).Type(), types.NewPointer(n)) {
		return notCodec
	}
	if m, _, _ := types.LookupFieldOrMethod(types.NewPointer(n), false, n.Obj().Pkg(), method); m == nil {
		return notCodec
	}
	return kind
}

// isStd reports whether path is a standard library package's: no dot in
// its first element.
func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}
