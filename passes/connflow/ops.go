package connflow

import (
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// This file is the catalogue of operations that teardown understands: how a
// call on (or with) a connection turns into events. It is data, kept in one
// place so that a reader can check it against the standard library.

// An opEffect says what a call does to one of its operands.
type opEffect struct {
	operand int  // index into the call's operands (receiver first for methods)
	kind    Kind // the event
	onErr   Kind // event appended on the edge where the call's error result is non-nil
	onFalse Kind // event appended on the edge where the call's bool result is false
}

// eff is an opEffect with an error edge: what operand undergoes, and what
// a non-nil error from the call means for it (0: nothing).
func eff(operand int, kind, onErr Kind) opEffect {
	return opEffect{operand: operand, kind: kind, onErr: onErr}
}

// connMethods are the methods of connection types. A method not listed
// here has no teardown effect when the receiver is a standard library
// type (SetDeadline, RemoteAddr, SetNoDelay, Handshake, ...).
var connMethods = map[string][]opEffect{
	"Read":       {eff(0, Read, ReadEOF)},
	"Write":      {eff(0, Write, Failed)},
	"Close":      {eff(0, Close, 0)},
	"CloseWrite": {eff(0, CloseWrite, Failed)},
	"CloseRead":  {eff(0, CloseRead, 0)},
	"File":       {eff(0, Dup, 0)},
	"ReadFrom":   {eff(0, Write, Failed), eff(1, ReadEOF, 0)},
	"WriteTo":    {eff(0, ReadEOF, 0), eff(1, Write, Failed)},
	"SetLinger":  {eff(0, Linger, 0)},
}

// halfCloseMethods are the conn methods that keep their meaning when a
// conn is called through an interface that is not a conn's
// (`interface{ CloseWrite() error }` named by the package).
var halfCloseMethods = map[string][]opEffect{
	"CloseWrite": connMethods["CloseWrite"],
	"CloseRead":  connMethods["CloseRead"],
}

// stdConnNeutral lists methods of standard connection types that have no
// teardown effect. For a user-defined interface, an unlisted method is an
// unknown effect and hands the conn on (Escape).
var stdConnNeutral = map[string]bool{
	"SetDeadline": true, "SetReadDeadline": true, "SetWriteDeadline": true,
	"LocalAddr": true, "RemoteAddr": true, "SetKeepAlive": true, "SetKeepAlivePeriod": true,
	"SetKeepAliveConfig": true, "SetNoDelay": true, "SetReadBuffer": true, "SetWriteBuffer": true,
	"SyscallConn": true, "MultipathTCP": true, "Handshake": true, "HandshakeContext": true,
	"ConnectionState": true, "OCSPResponse": true, "VerifyHostname": true, "NetConn": true,
	"ReadMsgUnix": true, "WriteMsgUnix": true,
}

// wrapperMethods are the methods of byte-carrying wrappers, by type.
var wrapperMethods = map[[2]string]map[string][]opEffect{
	{"bufio", "Writer"}:     bufioWriter,
	{"bufio", "Reader"}:     bufioReader,
	{"bufio", "ReadWriter"}: merge(bufioWriter, bufioReader),
	{"bufio", "Scanner"}: {
		"Scan": {{operand: 0, kind: Read, onFalse: ReadEOF}},
	},
	{"net/textproto", "Reader"}: textprotoReader,
	{"net/textproto", "Writer"}: textprotoWriter,
	{"net/textproto", "Conn"}: merge(textprotoReader, textprotoWriter, map[string][]opEffect{
		"Close": {eff(0, Close, 0)},
		"Cmd":   {eff(0, Write, Failed)},
	}),
	{"encoding/json", "Encoder"}: {"Encode": {eff(0, Write, Failed)}},
	{"encoding/json", "Decoder"}: {"Decode": {eff(0, Read, ReadEOF)}, "Token": {eff(0, Read, ReadEOF)}},
	{"encoding/gob", "Encoder"}:  {"Encode": {eff(0, Write, Failed)}, "EncodeValue": {eff(0, Write, Failed)}},
	{"encoding/gob", "Decoder"}:  {"Decode": {eff(0, Read, ReadEOF)}, "DecodeValue": {eff(0, Read, ReadEOF)}},
	{"io", "LimitedReader"}:      {"Read": {eff(0, Read, ReadEOF)}},
}

var bufioWriter = map[string][]opEffect{
	"Write": {eff(0, BufWrite, Failed)}, "WriteString": {eff(0, BufWrite, Failed)},
	"WriteByte": {eff(0, BufWrite, Failed)}, "WriteRune": {eff(0, BufWrite, Failed)},
	"ReadFrom": {eff(0, Write, Failed), eff(1, ReadEOF, 0)},
	"Flush":    {eff(0, Write, Failed)},
}

var bufioReader = map[string][]opEffect{
	"Read": {eff(0, Read, ReadEOF)}, "ReadByte": {eff(0, Read, ReadEOF)}, "ReadBytes": {eff(0, Read, ReadEOF)},
	"ReadLine": {eff(0, Read, ReadEOF)}, "ReadRune": {eff(0, Read, ReadEOF)}, "ReadSlice": {eff(0, Read, ReadEOF)},
	"ReadString": {eff(0, Read, ReadEOF)}, "Peek": {eff(0, Read, ReadEOF)}, "Discard": {eff(0, Read, ReadEOF)},
	"WriteTo": {eff(0, ReadEOF, 0), eff(1, Write, Failed)},
}

var textprotoReader = map[string][]opEffect{
	"ReadLine": {eff(0, Read, ReadEOF)}, "ReadLineBytes": {eff(0, Read, ReadEOF)},
	"ReadContinuedLine": {eff(0, Read, ReadEOF)}, "ReadContinuedLineBytes": {eff(0, Read, ReadEOF)},
	"ReadCodeLine": {eff(0, Read, ReadEOF)}, "ReadResponse": {eff(0, Read, ReadEOF)},
	"ReadDotBytes": {eff(0, ReadEOF, 0)}, "ReadDotLines": {eff(0, ReadEOF, 0)},
	"ReadMIMEHeader": {eff(0, Read, ReadEOF)},
}

var textprotoWriter = map[string][]opEffect{
	"PrintfLine": {eff(0, Write, Failed)},
}

// merge returns the union of method tables (a later table wins).
func merge(ms ...map[string][]opEffect) map[string][]opEffect {
	out := map[string][]opEffect{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// funcEffects are package-level functions that read or write through an
// io.Reader or io.Writer operand.
var funcEffects = map[[2]string][]opEffect{
	{"fmt", "Fprint"}:                           {eff(0, Write, Failed)},
	{"fmt", "Fprintf"}:                          {eff(0, Write, Failed)},
	{"fmt", "Fprintln"}:                         {eff(0, Write, Failed)},
	{"io", "WriteString"}:                       {eff(0, Write, Failed)},
	{"io", "Copy"}:                              {eff(0, Write, Failed), eff(1, ReadEOF, 0)},
	{"io", "CopyBuffer"}:                        {eff(0, Write, Failed), eff(1, ReadEOF, 0)},
	{"io", "CopyN"}:                             {eff(0, Write, Failed), eff(1, Read, ReadEOF)},
	{"io", "ReadAll"}:                           {eff(0, ReadEOF, 0)},
	{"io", "ReadFull"}:                          {eff(0, Read, ReadEOF)},
	{"io", "ReadAtLeast"}:                       {eff(0, Read, ReadEOF)},
	{"encoding/binary", "Write"}:                {eff(0, Write, Failed)},
	{"encoding/binary", "Read"}:                 {eff(0, Read, ReadEOF)},
	{"net/http", "ReadRequest"}:                 {eff(0, Read, ReadEOF)},
	{"net/http", "ReadResponse"}:                {eff(0, Read, ReadEOF)},
	{"net/http.Request", "Write"}:               {eff(1, Write, Failed)},
	{"net/http.Request", "WriteProxy"}:          {eff(1, Write, Failed)},
	{"net/http.Response", "Write"}:              {eff(1, Write, Failed)},
	{"net/http.Header", "Write"}:                {eff(1, Write, Failed)},
	{"net/http.Header", "WriteSubset"}:          {eff(1, Write, Failed)},
	{"io", "Discard"}:                           nil,
	{"os", "Stdout"}:                            nil,
	{"encoding/json", "MarshalIndent"}:          nil,
	{"net/textproto", "TrimString"}:             nil,
	{"crypto/tls", "ConnectionState"}:           nil,
	{"errors", "Is"}:                            nil,
	{"net/http", "MaxBytesReader"}:              nil,
	{"io", "NopCloser"}:                         nil,
	{"bufio", "ScanLines"}:                      nil,
	{"net", "JoinHostPort"}:                     nil,
	{"net/textproto", "CanonicalMIMEHeaderKey"}: nil,
}

// wrapperConstructors return a value that carries the bytes of their
// operands: the result is the same connection. The ints are operand indexes.
var wrapperConstructors = map[[2]string][]int{
	{"bufio", "NewWriter"}:          {0},
	{"bufio", "NewWriterSize"}:      {0},
	{"bufio", "NewReader"}:          {0},
	{"bufio", "NewReaderSize"}:      {0},
	{"bufio", "NewScanner"}:         {0},
	{"bufio", "NewReadWriter"}:      {0, 1},
	{"net/textproto", "NewConn"}:    {0},
	{"net/textproto", "NewReader"}:  {0},
	{"net/textproto", "NewWriter"}:  {0},
	{"encoding/json", "NewEncoder"}: {0},
	{"encoding/json", "NewDecoder"}: {0},
	{"encoding/gob", "NewEncoder"}:  {0},
	{"encoding/gob", "NewDecoder"}:  {0},
	{"io", "LimitReader"}:           {0},
	{"crypto/tls", "Client"}:        {0},
	{"crypto/tls", "Server"}:        {0},
	{"crypto/tls.Conn", "NetConn"}:  {0},
}

// wrapperArgs returns the operands whose conn the result of call is:
// those of a wrapper constructor of the catalogue, or the writer (reader)
// of a conventional codec's NewEncoder (NewDecoder) (conventionalCodec).
func wrapperArgs(call *ssa.CallCommon) ([]int, bool) {
	if idx, ok := wrapperConstructors[keyOf(call)]; ok {
		return idx, true
	}
	fn := call.StaticCallee()
	if fn == nil || fn.Signature.Recv() != nil || fn.Signature.Results().Len() == 0 {
		return nil, false
	}
	if name := fn.Name(); (name == "NewEncoder" || name == "NewDecoder") &&
		conventionalCodec(fn.Signature.Results().At(0).Type()) != notCodec {
		return []int{0}, true
	}
	return nil, false
}

// goLaunchers start their func argument in a new goroutine, like a go statement.
var goLaunchers = map[[2]string]int{
	{"sync.WaitGroup", "Go"}:                   1,
	{"golang.org/x/sync/errgroup.Group", "Go"}: 1,
}

// funcKey names the callee of a static call as {pkgpath, name} or, for a
// method, {pkgpath.Recv, name}.
func funcKey(fn *ssa.Function) ([2]string, bool) {
	if fn == nil {
		return [2]string{}, false
	}
	if o := fn.Origin(); o != nil {
		fn = o
	}
	obj, ok := fn.Object().(*types.Func)
	if !ok || obj.Pkg() == nil {
		return [2]string{}, false
	}
	sig := obj.Type().(*types.Signature)
	if recv := sig.Recv(); recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok && n.Obj().Pkg() != nil {
			return [2]string{n.Obj().Pkg().Path() + "." + n.Obj().Name(), obj.Name()}, true
		}
		return [2]string{}, false
	}
	return [2]string{obj.Pkg().Path(), obj.Name()}, true
}

// methodEffects returns the effects of calling method name on a receiver
// of type recv, and whether the method is understood at all. A wrapper's
// methods not in its table (Buffered, Reset, Text, ...) are understood:
// they have no effect on the conn.
func methodEffects(recv types.Type, name string) ([]opEffect, bool) {
	if pkg, typ := typeName(recv); wrapperMethods[[2]string{pkg, typ}] != nil {
		return wrapperMethods[[2]string{pkg, typ}][name], true
	}
	switch conventionalCodec(recv) {
	case encoderCodec:
		if strings.HasPrefix(name, "Encode") {
			return []opEffect{eff(0, Write, Failed)}, true
		}
		return nil, false
	case decoderCodec:
		if strings.HasPrefix(name, "Decode") {
			return []opEffect{eff(0, Read, ReadEOF)}, true
		}
		return nil, false
	}
	if effs, ok := connMethods[name]; ok && IsConnLike(recv) {
		return effs, true
	}
	if stdConnNeutral[name] && IsConn(recv) {
		return nil, true
	}
	return nil, false
}
