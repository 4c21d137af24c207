package main

import (
	"net"
	"time"
)

// dialReplica connects to a replica. The positive linger is meant to make
// Close wait until the replica has the data; on Linux it only makes Close
// block for up to 5 s, and the kernel keeps sending afterwards anyway.
func dialReplica(addr string) (*net.TCPConn, error) {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return nil, err
	}
	tc := c.(*net.TCPConn)
	tc.SetLinger(5)
	return tc, nil
}
