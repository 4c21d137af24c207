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

func small(c net.Conn) { c.Close() } // want small:`effects\(0:c\)`
