package budget

import "net"

func big(c net.Conn, n int) { // want `teardown did not analyze big: its \d+ basic blocks exceed the budget of 3`
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			c.Write([]byte("x"))
		}
	}
	c.Close()
}

// bigNoClose is over the budget too, but closes nothing: no note, since
// the budget cost no rule a verdict.
func bigNoClose(c net.Conn, n int) {
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			c.Write([]byte("x"))
		}
	}
}

// bigIgnored is over the budget, and says why that is fine: the
// directive above the declaration suppresses its note.
//
//teardown:ignore budget generated state machine, checked by its own tests
func bigIgnored(c net.Conn, n int) {
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			c.Write([]byte("x"))
		}
	}
	c.Close()
}

func small(c net.Conn) { c.Close() } // want small:`effects\(0:c\)`
