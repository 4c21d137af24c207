package lint

import "github.com/teardownlint/teardown/passes/connflow"

// Abortive reports whether the path h set SO_LINGER to {on, 0}: its Close
// is an abort whatever was written or left unread, so the Close rules do
// not judge it (lingerzero judges the setting).
func Abortive(h connflow.History) bool {
	for _, e := range h {
		if e.Kind == connflow.Linger && e.Linger.Known && e.Linger.On && e.Linger.Secs == 0 {
			return true
		}
	}
	return false
}
