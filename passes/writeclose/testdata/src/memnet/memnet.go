// Package memnet is an in-memory listener in another package (like
// fasthttputil.InmemoryListener): that its Dial makes no socket reaches
// callers through connflow's InMemory fact.
package memnet

import (
	"errors"
	"net"
)

// Listener pairs each Dial with an Accept over net.Pipe.
type Listener struct{ conns chan net.Conn }

func NewListener() *Listener { return &Listener{conns: make(chan net.Conn, 8)} }

func (l *Listener) Dial() (net.Conn, error) {
	c, s := net.Pipe()
	select {
	case l.conns <- s:
		return c, nil
	default:
		c.Close()
		s.Close()
		return nil, errors.New("memnet: backlog full")
	}
}
