package lingerblock

import (
	"net"
	"syscall"
)

const drainSecs = 10

func direct(c *net.TCPConn) {
	c.SetLinger(5) // want `SetLinger\(5\) makes Close block for up to 5 s`
	c.Close()
}

func namedConst(c *net.TCPConn) {
	c.SetLinger(drainSecs) // want `SetLinger\(10\) makes Close block for up to 10 s`
	c.Close()
}

func ifWrapper(c *net.TCPConn) error {
	if err := c.SetLinger(1); err != nil { // want `SetLinger\(1\)`
		c.Close()
		return err
	}
	return c.Close()
}

func viaAnonInterface(c net.Conn) {
	if lc, ok := c.(interface{ SetLinger(int) error }); ok {
		lc.SetLinger(30) // want `SetLinger\(30\)`
	}
	c.Close()
}

func viaAnonInterfaceDirect(c net.Conn) {
	c.(interface{ SetLinger(int) error }).SetLinger(2) // want `SetLinger\(2\)`
	c.Close()
}

func deferred(c *net.TCPConn) {
	defer c.Close()
	defer c.SetLinger(3) // want `SetLinger\(3\)`
	c.Write([]byte("bye"))
}

// The result is returned: the statement stays and the fix makes it
// SetLinger(-1).
func configure(c *net.TCPConn) error {
	return c.SetLinger(5) // want `SetLinger\(5\)`
}

func provenBySSA(c *net.TCPConn, slow bool) {
	n := 5
	if slow {
		n = 5
	}
	c.SetLinger(n) // want `SetLinger\(5\)`
}

func rawSyscall(fd int) {
	syscall.SetsockoptLinger(fd, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: 10}) // want `SO_LINGER \{Onoff: 1, Linger: 10\} makes Close block for up to 10 s`
}

// The result is returned: the fix turns SO_LINGER off (Onoff: 0).
func rawReturned(fd int) error {
	return syscall.SetsockoptLinger(fd, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: 10}) // want `SO_LINGER \{Onoff: 1, Linger: 10\}`
}

// Unkeyed fields, as in the SO_LINGER {1, 10} of C code.
func rawUnkeyed(fd int) error {
	return syscall.SetsockoptLinger(fd, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{1, 10}) // want `SO_LINGER \{Onoff: 1, Linger: 10\}`
}

func rawInControl(c *net.TCPConn) error {
	raw, err := c.SyscallConn()
	if err != nil {
		return err
	}
	return raw.Control(func(fd uintptr) {
		syscall.SetsockoptLinger(int(fd), syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: 60}) // want `SO_LINGER \{Onoff: 1, Linger: 60\}`
	})
}

// A malformed ignore (no reason) suppresses nothing.
func malformedIgnore(c *net.TCPConn) {
	//teardown:ignore lingerblock
	c.SetLinger(5) // want `SetLinger\(5\)`
}

// //teardown:abort is about SetLinger(0); it does not silence lingerblock.
func abortDoesNotApply(c *net.TCPConn) {
	//teardown:abort the peer must see a reset
	c.SetLinger(5) // want `SetLinger\(5\)`
}

// Negative cases.

func defaultLinger(c *net.TCPConn) { c.SetLinger(-1) }

func otherNegative(c *net.TCPConn) { c.SetLinger(-5) } // any n < 0 is the default

func zero(c *net.TCPConn) { c.SetLinger(0) } // lingerzero's business

func unknown(c *net.TCPConn, n int) { c.SetLinger(n) }

func unknownPhi(c *net.TCPConn, slow bool) {
	n := -1
	if slow {
		n = 5
	}
	c.SetLinger(n) // 5 on one path only: not proven
}

func rawOff(fd int) {
	syscall.SetsockoptLinger(fd, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 0, Linger: 10})
}

func rawOffImplicit(fd int) {
	syscall.SetsockoptLinger(fd, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Linger: 10})
}

func rawUnkeyedOff(fd int) {
	syscall.SetsockoptLinger(fd, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{0, 10})
}

func rawNonConst(fd int, secs int32) {
	syscall.SetsockoptLinger(fd, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: secs})
}

func rawZero(fd int) {
	syscall.SetsockoptLinger(fd, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: 0}) // lingerzero's business
}

func ignored(c *net.TCPConn) {
	//teardown:ignore lingerblock the shutdown path waits for the queue on purpose, measured in staging
	c.SetLinger(5)
}

func ignoredSameLine(c *net.TCPConn) {
	c.SetLinger(5) //teardown:ignore lingerzero,lingerblock legacy peer needs it
}
