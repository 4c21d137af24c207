package overflow

import "net"

// combinations writes or reads on 30 independent branches: the histories
// of their combinations outgrow the path budget, and a note says so.
func combinations(k int) { // want `teardown gave up on this connection in combinations: more than \d+ distinct paths reach one point; its Close is unchecked`
	c, _ := net.Dial("tcp", "x")
	buf := make([]byte, 1)
	if k&(1<<0) != 0 {
		c.Write(buf)
	}
	if k&(1<<1) != 0 {
		c.Read(buf)
	}
	if k&(1<<2) != 0 {
		c.Write(buf)
	}
	if k&(1<<3) != 0 {
		c.Read(buf)
	}
	if k&(1<<4) != 0 {
		c.Write(buf)
	}
	if k&(1<<5) != 0 {
		c.Read(buf)
	}
	if k&(1<<6) != 0 {
		c.Write(buf)
	}
	if k&(1<<7) != 0 {
		c.Read(buf)
	}
	if k&(1<<8) != 0 {
		c.Write(buf)
	}
	if k&(1<<9) != 0 {
		c.Read(buf)
	}
	if k&(1<<10) != 0 {
		c.Write(buf)
	}
	if k&(1<<11) != 0 {
		c.Read(buf)
	}
	if k&(1<<12) != 0 {
		c.Write(buf)
	}
	if k&(1<<13) != 0 {
		c.Read(buf)
	}
	if k&(1<<14) != 0 {
		c.Write(buf)
	}
	if k&(1<<15) != 0 {
		c.Read(buf)
	}
	if k&(1<<16) != 0 {
		c.Write(buf)
	}
	if k&(1<<17) != 0 {
		c.Read(buf)
	}
	if k&(1<<18) != 0 {
		c.Write(buf)
	}
	if k&(1<<19) != 0 {
		c.Read(buf)
	}
	if k&(1<<20) != 0 {
		c.Write(buf)
	}
	if k&(1<<21) != 0 {
		c.Read(buf)
	}
	if k&(1<<22) != 0 {
		c.Write(buf)
	}
	if k&(1<<23) != 0 {
		c.Read(buf)
	}
	if k&(1<<24) != 0 {
		c.Write(buf)
	}
	if k&(1<<25) != 0 {
		c.Read(buf)
	}
	if k&(1<<26) != 0 {
		c.Write(buf)
	}
	if k&(1<<27) != 0 {
		c.Read(buf)
	}
	if k&(1<<28) != 0 {
		c.Write(buf)
	}
	if k&(1<<29) != 0 {
		c.Read(buf)
	}
	c.Close()
}
