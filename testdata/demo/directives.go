package main

import (
	"net"
	"time"
)

// probe checks that a replica accepts connections. An abortive close is
// what a probe wants, and the directive says why: no finding.
func probe(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	tc := c.(*net.TCPConn)
	//teardown:abort a probe sends nothing; resetting leaves no TIME_WAIT behind on the replica
	tc.SetLinger(0)
	return tc.Close() == nil
}

// hello greets a replica and waits for its greeting. It was fixed long
// ago; the suppression above its Close suppresses nothing any more, and
// the directives analyzer says so.
func hello(addr string) error {
	c, err := dialReplica(addr)
	if err != nil {
		return err
	}
	if _, err := c.Write([]byte(preamble)); err != nil {
		c.Close()
		return err
	}
	_, err = c.Read(make([]byte, len(preamble)))
	//teardown:ignore writeclose the replica closes first
	c.Close()
	return err
}
