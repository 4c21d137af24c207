package p

import "net"

func Boom(c net.Conn) { c.Close() }
