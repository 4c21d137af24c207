package golangcitest

import "net"

// A helper in a test file: reported by writeclose only with the setting
// connflow.tests: true (-connflow.tests); golangci-lint loads test files
// either way (run.tests defaults to true).
func replyForTest(c net.Conn, resp []byte) error {
	defer c.Close()
	_, err := c.Write(resp)
	return err
}
