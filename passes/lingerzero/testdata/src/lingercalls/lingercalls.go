// Package lingercalls holds linger settings made through helpers: the 0
// reaches SetLinger through a parameter or a field, and is reported at
// the call that supplies it.
package lingercalls

import (
	"net"
	"syscall"

	"lingerhelp"
)

const noLinger = 0

// setLinger is a helper whose parameter reaches SetLinger.
func setLinger(c *net.TCPConn, secs int) error {
	return c.SetLinger(secs)
}

func zeroLiteral(c *net.TCPConn) {
	setLinger(c, 0) // want `SetLinger\(0\) through setLinger makes Close an abort`
	c.Close()
}

func zeroConst(c *net.TCPConn) {
	setLinger(c, noLinger) // want `SetLinger\(0\) through setLinger makes Close an abort`
}

func defaultLinger(c *net.TCPConn) {
	setLinger(c, -1)
}

func fromConfig(c *net.TCPConn, secs int) {
	setLinger(c, secs) // its callers are judged: fromConfig is a helper too
}

func throughTwo(c *net.TCPConn) {
	fromConfig(c, 0) // want `SetLinger\(0\) through fromConfig makes Close an abort`
}

func justifiedAtCall(c *net.TCPConn) {
	// Health probes must not leave TIME_WAIT sockets behind, so the
	// probe resets.
	setLinger(c, 0)
}

// abortive resets c on Close: a probe must not leave TIME_WAIT behind on
// the load balancer, so every caller wants the reset.
func abortive(c *net.TCPConn, secs int) {
	c.SetLinger(secs)
}

func justifiedByDoc(c *net.TCPConn) {
	abortive(c, 0)
}

// aborted resets c on Close.
func aborted(c *net.TCPConn, secs int) {
	//teardown:abort the proxy forwards the upstream's reset to the client
	c.SetLinger(secs)
}

func justifiedInHelper(c *net.TCPConn) {
	aborted(c, 0)
}

// options carries a linger time, as a dialer's options do.
type options struct {
	linger int
}

// apply sets the options on c: its receiver's field reaches SetLinger.
func (o *options) apply(c *net.TCPConn) {
	c.SetLinger(o.linger)
}

func literalField(c *net.TCPConn) {
	o := &options{linger: 0}
	o.apply(c) // want `SetLinger\(0\) through apply makes Close an abort`
}

func newOptions() *options {
	return &options{linger: 0}
}

func constructorField(c *net.TCPConn) {
	newOptions().apply(c) // want `SetLinger\(0\) through apply makes Close an abort`
}

func unsetField(c *net.TCPConn, o *options) {
	o.apply(c)
}

// rawLinger sets SO_LINGER on fd, on, with secs seconds.
func rawLinger(fd int, secs int32) {
	syscall.SetsockoptLinger(fd, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: secs})
}

func rawZero(fd int) {
	rawLinger(fd, 0) // want `SO_LINGER \{Onoff: 1, Linger: 0\} through rawLinger makes Close an abort`
}

// controlLinger sets SO_LINGER in a RawConn's Control: secs is captured.
func controlLinger(c *net.TCPConn, secs int) error {
	raw, err := c.SyscallConn()
	if err != nil {
		return err
	}
	return raw.Control(func(fd uintptr) {
		syscall.SetsockoptLinger(int(fd), syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: int32(secs)})
	})
}

func controlZero(c *net.TCPConn) {
	controlLinger(c, 0) // want `SO_LINGER \{Onoff: 1, Linger: 0\} through controlLinger makes Close an abort`
}

func otherPackage(c *net.TCPConn) {
	lingerhelp.Linger(c, 0) // want `SetLinger\(0\) through Linger makes Close an abort`
	lingerhelp.Reset(c, 0)
}
