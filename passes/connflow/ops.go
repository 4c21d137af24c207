package connflow

import (
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// This file is the catalogue of operations that teardown understands: how a
// call on (or with) a connection turns into events. It is data, kept in one
// place so that a reader can check it against the standard library.

// An opEffect says what a call does to one of its operands.
type opEffect struct {
	operand int    // index into the call's operands (receiver first for methods)
	kinds   string // events, in order
	onErr   Kind   // event appended on the edge where the call's error result is non-nil
	onFalse Kind   // event appended on the edge where the call's bool result is false
}

func eff(operand int, kinds string, onErr Kind) opEffect {
	return opEffect{operand: operand, kinds: kinds, onErr: onErr}
}

// connMethods are the methods of connection types. A method not listed
// here has no teardown effect when the receiver is a standard library
// type (SetDeadline, RemoteAddr, SetNoDelay, Handshake, ...).
var connMethods = map[string][]opEffect{
	"Read":       {eff(0, "r", ReadEOF)},
	"Write":      {eff(0, "w", Failed)},
	"Close":      {eff(0, "c", 0)},
	"CloseWrite": {eff(0, "h", Failed)},
	"CloseRead":  {eff(0, "q", 0)},
	"File":       {eff(0, "f", 0)},
	"ReadFrom":   {eff(0, "w", Failed), eff(1, "e", 0)},
	"WriteTo":    {eff(0, "e", 0), eff(1, "w", Failed)},
	"SetLinger":  {eff(0, "l", 0)},
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
		"Scan": {{operand: 0, kinds: "r", onFalse: ReadEOF}},
	},
	{"net/textproto", "Reader"}: textprotoReader,
	{"net/textproto", "Writer"}: textprotoWriter,
	{"net/textproto", "Conn"}: merge(textprotoReader, textprotoWriter, map[string][]opEffect{
		"Close": {eff(0, "c", 0)},
		"Cmd":   {eff(0, "w", Failed)},
	}),
	{"encoding/json", "Encoder"}: {"Encode": {eff(0, "w", Failed)}},
	{"encoding/json", "Decoder"}: {"Decode": {eff(0, "r", ReadEOF)}, "Token": {eff(0, "r", ReadEOF)}},
	{"encoding/gob", "Encoder"}:  {"Encode": {eff(0, "w", Failed)}, "EncodeValue": {eff(0, "w", Failed)}},
	{"encoding/gob", "Decoder"}:  {"Decode": {eff(0, "r", ReadEOF)}, "DecodeValue": {eff(0, "r", ReadEOF)}},
	{"io", "LimitedReader"}:      {"Read": {eff(0, "r", ReadEOF)}},
}

var bufioWriter = map[string][]opEffect{
	"Write": {eff(0, "b", Failed)}, "WriteString": {eff(0, "b", Failed)},
	"WriteByte": {eff(0, "b", Failed)}, "WriteRune": {eff(0, "b", Failed)},
	"ReadFrom": {eff(0, "w", Failed), eff(1, "e", 0)},
	"Flush":    {eff(0, "w", Failed)},
}

var bufioReader = map[string][]opEffect{
	"Read": {eff(0, "r", ReadEOF)}, "ReadByte": {eff(0, "r", ReadEOF)}, "ReadBytes": {eff(0, "r", ReadEOF)},
	"ReadLine": {eff(0, "r", ReadEOF)}, "ReadRune": {eff(0, "r", ReadEOF)}, "ReadSlice": {eff(0, "r", ReadEOF)},
	"ReadString": {eff(0, "r", ReadEOF)}, "Peek": {eff(0, "r", ReadEOF)}, "Discard": {eff(0, "r", ReadEOF)},
	"WriteTo": {eff(0, "e", 0), eff(1, "w", Failed)},
}

var textprotoReader = map[string][]opEffect{
	"ReadLine": {eff(0, "r", ReadEOF)}, "ReadLineBytes": {eff(0, "r", ReadEOF)},
	"ReadContinuedLine": {eff(0, "r", ReadEOF)}, "ReadContinuedLineBytes": {eff(0, "r", ReadEOF)},
	"ReadCodeLine": {eff(0, "r", ReadEOF)}, "ReadResponse": {eff(0, "r", ReadEOF)},
	"ReadDotBytes": {eff(0, "e", 0)}, "ReadDotLines": {eff(0, "e", 0)},
	"ReadMIMEHeader": {eff(0, "r", ReadEOF)},
}

var textprotoWriter = map[string][]opEffect{
	"PrintfLine": {eff(0, "w", Failed)},
}

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
	{"fmt", "Fprint"}:                           {eff(0, "w", Failed)},
	{"fmt", "Fprintf"}:                          {eff(0, "w", Failed)},
	{"fmt", "Fprintln"}:                         {eff(0, "w", Failed)},
	{"io", "WriteString"}:                       {eff(0, "w", Failed)},
	{"io", "Copy"}:                              {eff(0, "w", Failed), eff(1, "e", 0)},
	{"io", "CopyBuffer"}:                        {eff(0, "w", Failed), eff(1, "e", 0)},
	{"io", "CopyN"}:                             {eff(0, "w", Failed), eff(1, "r", ReadEOF)},
	{"io", "ReadAll"}:                           {eff(0, "e", 0)},
	{"io", "ReadFull"}:                          {eff(0, "r", ReadEOF)},
	{"io", "ReadAtLeast"}:                       {eff(0, "r", ReadEOF)},
	{"encoding/binary", "Write"}:                {eff(0, "w", Failed)},
	{"encoding/binary", "Read"}:                 {eff(0, "r", ReadEOF)},
	{"net/http", "ReadRequest"}:                 {eff(0, "r", ReadEOF)},
	{"net/http", "ReadResponse"}:                {eff(0, "r", ReadEOF)},
	{"net/http.Request", "Write"}:               {eff(1, "w", Failed)},
	{"net/http.Request", "WriteProxy"}:          {eff(1, "w", Failed)},
	{"net/http.Response", "Write"}:              {eff(1, "w", Failed)},
	{"net/http.Header", "Write"}:                {eff(1, "w", Failed)},
	{"net/http.Header", "WriteSubset"}:          {eff(1, "w", Failed)},
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
// of type recv, and whether the method is understood at all.
func methodEffects(recv types.Type, name string) ([]opEffect, bool) {
	for w, m := range wrapperMethods {
		if namedIs(recv, w[0], w[1]) {
			effs, ok := m[name]
			return effs, ok || true // other wrapper methods (Buffered, Reset, Text...) are neutral
		}
	}
	if effs, ok := connMethods[name]; ok && IsConnLike(recv) {
		return effs, true
	}
	if stdConnNeutral[name] && IsConn(recv) {
		return nil, true
	}
	return nil, false
}
