// Package c1: class C1. ssh.Channel (an interface with CloseWrite) is
// taken for a TCP connection; closing an SSH channel sends
// SSH_MSG_CHANNEL_CLOSE over the multiplexed transport and never an RST
// (gliderlabs/ssh tcpip.go, x/crypto/ssh tests).
package c1

import "golang.org/x/crypto/ssh"

func echo(ch ssh.Channel) {
	defer ch.Close() // FP writeclose
	buf := make([]byte, 1024)
	n, err := ch.Read(buf)
	if err != nil {
		return
	}
	ch.Write(buf[:n])
}

func peek(ch ssh.Channel) {
	defer ch.Close() // FP unreadclose
	buf := make([]byte, 1)
	ch.Read(buf)
}
