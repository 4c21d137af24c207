package golangcitest

import "net"

// reply writes and closes without CloseWrite and a drain: writeclose.
// The suggested fix turns the defer into a graceful close.
func reply(c net.Conn, resp []byte) error {
	defer c.Close()
	_, err := c.Write(resp)
	return err
}
