package main

import (
	"net"
	"time"
)

// sendSnapshot pushes a snapshot of the cache to a replica. SetLinger(0)
// turns its Close into an abort: the tail of the snapshot that the kernel
// has not sent yet is discarded, and the replica gets ECONNRESET.
func sendSnapshot(addr string, snapshot []byte) error {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return err
	}
	tc := c.(*net.TCPConn)
	tc.SetLinger(0) // close fast
	if _, err := tc.Write(snapshot); err != nil {
		tc.Close()
		return err
	}
	if _, err := tc.Read(make([]byte, 2)); err != nil { // the replica's "OK"
		tc.Close()
		return err
	}
	return tc.Close()
}
