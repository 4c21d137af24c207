package lingerzero

import (
	"crypto/tls"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

const noLinger = 0

func direct(c *net.TCPConn) {
	c.SetLinger(0) // want `SetLinger\(0\) makes Close an abort`
	c.Close()
}

func namedConst(c *net.TCPConn) {
	c.SetLinger(noLinger) // want `SetLinger\(0\) makes Close an abort`
	c.Close()
}

func ifWrapper(c *net.TCPConn) error {
	if err := c.SetLinger(0); err != nil { // want `SetLinger\(0\)`
		return err
	}
	return c.Close()
}

func viaAssertion(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0) // want `SetLinger\(0\)`
	}
	c.Close()
}

func viaAnonInterface(c net.Conn) {
	c.(interface{ SetLinger(int) error }).SetLinger(0) // want `SetLinger\(0\)`
	c.Close()
}

func provenBySSA(c *net.TCPConn, fast bool) {
	n := 0
	if fast {
		n = 0
	}
	c.SetLinger(n) // want `SetLinger\(0\)`
}

func rawSyscall(fd int) {
	syscall.SetsockoptLinger(fd, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: 0}) // want `SO_LINGER \{Onoff: 1, Linger: 0\}`
}

func rawInControl(c *net.TCPConn) error {
	raw, err := c.SyscallConn()
	if err != nil {
		return err
	}
	return raw.Control(func(fd uintptr) {
		syscall.SetsockoptLinger(int(fd), syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1}) // want `SO_LINGER`
	})
}

var dialer = &net.Dialer{
	Control: func(network, address string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) {
			syscall.SetsockoptLinger(int(fd), syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: 0}) // want `SO_LINGER`
		})
	},
}

func deferred(c *net.TCPConn) {
	defer c.SetLinger(0) // want `SetLinger\(0\)`
	c.Write([]byte("bye"))
	c.Close()
}

func inClosure(c *net.TCPConn) {
	abort := func() {
		c.SetLinger(0) // want `SetLinger\(0\)`
		c.Close()
	}
	abort()
}

func inGoroutine(c *net.TCPConn) {
	go c.SetLinger(0) // want `SetLinger\(0\)`
	go func() {
		c.SetLinger(0) // want `SetLinger\(0\)`
		c.Close()
	}()
}

// A generic function whose type parameter is constrained by
// interface{ SetLinger(int) error } is reported. Decision: the argument is
// proven 0, and a SetLinger(int) error method is *net.TCPConn's (or a
// wrapper's that forwards to it), so every instantiation that does
// anything sets SO_LINGER {1, 0} on a socket. connflow never treats a
// type parameter as a connection for the Close rules (it cannot know what
// Close does), but lingerzero judges SetLinger at the call, whatever the
// receiver: in SSA the call is an invoke of the constraint's method, like
// a call through an interface. The fix is the same as for a conn.
func zeroAny[T interface{ SetLinger(int) error }](c T) error {
	return c.SetLinger(0) // want `SetLinger\(0\)`
}

// The same with a named constraint.
type lingerer interface{ SetLinger(int) error }

func zeroNamed[T lingerer](c T) {
	c.SetLinger(0) // want `SetLinger\(0\)`
}

func rawUnix(fd int) error {
	return unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0}) // want `SO_LINGER \{Onoff: 1, Linger: 0\}`
}

// Unkeyed fields: the fix still finds Onoff.
func rawUnixUnkeyed(fd int) error {
	return unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{1, 0}) // want `SO_LINGER \{Onoff: 1, Linger: 0\}`
}

func rawUnixStmt(fd int) {
	unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1}) // want `SO_LINGER`
}

func rawLocalVarFields(fd int) {
	var l syscall.Linger
	l.Onoff = 1
	syscall.SetsockoptLinger(fd, syscall.SOL_SOCKET, syscall.SO_LINGER, &l) // want `SO_LINGER`
}

func blankAssign(c *net.TCPConn) {
	_ = c.SetLinger(0) // want `SetLinger\(0\)`
	c.Close()
}

// The call's result is returned: the statement cannot be deleted, so the
// fix makes it SetLinger(-1).
func returned(c *net.TCPConn) error {
	return c.SetLinger(0) // want `SetLinger\(0\)`
}

// A tls.Conn has no SetLinger; the underlying TCP conn does.
func underTLS(tc *tls.Conn) {
	tc.NetConn().(*net.TCPConn).SetLinger(0) // want `SetLinger\(0\)`
	tc.Close()
}

// A directive without a reason is malformed: it justifies nothing (and
// the directives analyzer reports it).
func malformedJustification(c *net.TCPConn) {
	//teardown:abort
	c.SetLinger(0) // want `SetLinger\(0\)`
}

func malformedIgnore(c *net.TCPConn) {
	//teardown:ignore lingerzero
	c.SetLinger(0) // want `SetLinger\(0\)`
}

// An ignore for another rule does not suppress lingerzero.
func ignoreOtherRule(c *net.TCPConn) {
	//teardown:ignore lingerblock the linger time is configured elsewhere
	c.SetLinger(0) // want `SetLinger\(0\)`
}

// A justification two lines up does not cover the call.
func directiveTooFarAbove(c *net.TCPConn) {
	//teardown:abort health probe: a reset leaves no TIME_WAIT behind

	c.SetLinger(0) // want `SetLinger\(0\)`
}

// Negative cases.

func defaultLinger(c *net.TCPConn) { c.SetLinger(-1) }

func positive(c *net.TCPConn) { c.SetLinger(3) } // lingerblock's business

func unknown(c *net.TCPConn, n int) { c.SetLinger(n) }

func off(fd int) {
	syscall.SetsockoptLinger(fd, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 0, Linger: 0})
}

func get(fd int) (int, error) {
	return syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_LINGER)
}

func directive(c *net.TCPConn) {
	//teardown:abort health probe: a reset leaves no TIME_WAIT behind
	c.SetLinger(0)
}

func sameLineDirective(c *net.TCPConn) {
	c.SetLinger(0) //teardown:abort forwarding the upstream's reset to the client
}

func commentSaysWhy(c *net.TCPConn) {
	// health probe: reset so no TIME_WAIT piles up
	c.SetLinger(0)
}

func commentRestates(c *net.TCPConn) {
	// set linger 0
	c.SetLinger(0) // want `SetLinger\(0\)`
}

func commentForceOnly(c *net.TCPConn) {
	// force RST
	c.SetLinger(0) // want `SetLinger\(0\)`
}

func ignored(c *net.TCPConn) {
	//teardown:ignore lingerzero the peer is a test double that expects a reset
	c.SetLinger(0)
}

func udp(c *net.UDPConn) { c.Close() }

func rawUnixOff(fd int) error {
	return unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 0, Linger: 0})
}

func rawUnixPositive(fd int) error {
	return unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 5}) // lingerblock's business
}

// Onoff is not a constant: not proven to be on.
func rawNonConstOnoff(fd int, on int32) error {
	return unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: on, Linger: 0})
}

// A field assigned a non-constant later: not proven.
func rawLocalVarReassigned(fd int, secs int32) error {
	l := unix.Linger{Onoff: 1, Linger: 0}
	l.Linger = secs
	return unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &l)
}

// A Linger built by a composite literal in a local variable: go/ssa
// builds the literal in a temporary and copies it whole into l; connflow
// follows the copy.
func rawLocalVar(fd int) error {
	l := unix.Linger{Onoff: 1, Linger: 0}
	return unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &l) // want `SO_LINGER \{Onoff: 1, Linger: 0\}`
}

// The trailing comment of the statement above is not a comment above the
// call: it does not justify it.
func trailingCommentAbove(c *net.TCPConn) {
	c.Write(nil)   // because the health probe must reset the peer
	c.SetLinger(0) // want `SetLinger\(0\)`
}

// The whole struct comes from elsewhere: not proven.
func rawFromParam(fd int, l *unix.Linger) error {
	return unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, l)
}

func deferredDefault(c *net.TCPConn) {
	defer c.SetLinger(-1)
	c.Close()
}

func goroutineUnknown(c *net.TCPConn, n int) {
	go func() {
		c.SetLinger(n)
		c.Close()
	}()
}

func genericUnknown[T interface{ SetLinger(int) error }](c T, n int) error {
	return c.SetLinger(n)
}

func genericDefault[T lingerer](c T) error {
	return c.SetLinger(-1)
}

func deferredJustified(c *net.TCPConn) {
	//teardown:abort the load balancer probe must not leave TIME_WAIT sockets
	defer c.SetLinger(0)
	c.Close()
}

func closureJustified(c *net.TCPConn) {
	func() {
		// Forward the upstream's reset to the client instead of a clean FIN.
		c.SetLinger(0)
	}()
}

func tlsClose(tc *tls.Conn) { tc.Close() }

// ---- deliberate resets: the fix keeps the call and states why ----

type ResetToxic struct{}

// The shape of a fault-injection proxy's "reset peer" mode.
func deliberateBranch(c *net.TCPConn, t any) {
	if _, ok := t.(*ResetToxic); ok {
		if err := c.SetLinger(0); err != nil { // want `SetLinger\(0\) makes Close an abort`
			return
		}
	}
	c.Close()
}

func deliberateCase(c *net.TCPConn, mode string) {
	switch mode {
	case "reset_peer":
		c.SetLinger(0) // want `SetLinger\(0\) makes Close an abort`
	}
	c.Close()
}

func (t *ResetToxic) pipe(c *net.TCPConn) {
	c.SetLinger(0) // want `SetLinger\(0\) makes Close an abort`
	c.Close()
}

func resetPeer(c *net.TCPConn) {
	c.SetLinger(0) // want `SetLinger\(0\) makes Close an abort`
	c.Close()
}

// A test server that resets so that its client sees ECONNRESET.
func serveThenDial(ln net.Listener, dial func() error) bool {
	go func() {
		c, _ := ln.Accept()
		c.(*net.TCPConn).SetLinger(0) // want `SetLinger\(0\) makes Close an abort`
		c.Close()
	}()
	return dial() == syscall.ECONNRESET
}

// Not evidence: "preset" is no reset word; the call is removed.
func presetBranch(c *net.TCPConn, preset bool) {
	if preset {
		c.SetLinger(0) // want `SetLinger\(0\) makes Close an abort`
	}
	c.Close()
}
