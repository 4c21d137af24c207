package lingerzero

import (
	"net"
	"syscall"
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

func commentForceRST(c *net.TCPConn) {
	// force RST
	c.SetLinger(0) // want `SetLinger\(0\)`
}

func ignored(c *net.TCPConn) {
	//teardown:ignore lingerzero the peer is a test double that expects a reset
	c.SetLinger(0)
}

func udp(c *net.UDPConn) { c.Close() }
