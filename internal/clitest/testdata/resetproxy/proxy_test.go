package resetproxy

import (
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"
)

// dial starts Serve with fault and returns the client's conn.
func dial(t *testing.T, fault Fault) (net.Conn, chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	errc := make(chan error, 1)
	go func() { errc <- Serve(ln, fault) }()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	return c, errc
}

func TestResetPeer(t *testing.T) {
	c, errc := dial(t, ResetPeer)
	_, err := c.Read(make([]byte, 16))
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("the client read %v, want ECONNRESET", err)
	}
	if err := <-errc; err != nil {
		t.Error(err)
	}
}

func TestNone(t *testing.T) {
	c, errc := dial(t, None)
	b, err := io.ReadAll(c)
	if err != nil || string(b) != "ok\n" {
		t.Errorf("the client read %q, %v, want \"ok\\n\" and EOF", b, err)
	}
	c.Close()
	if err := <-errc; err != nil {
		t.Error(err)
	}
}
