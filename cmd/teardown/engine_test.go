package main

import (
	"errors"
	"testing"
)

// TestGoListError: the one line a go list failure becomes, including when
// the go command did not run at all.
func TestGoListError(t *testing.T) {
	for _, tc := range []struct{ err, want string }{
		{"err: exit status 1: stderr: go: cannot find main module\nmore", "cannot find main module"},
		{"go command required, not found: exec: \"go\": executable file not found in $PATH: stderr: ", "go command required, not found: exec: \"go\": executable file not found in $PATH"},
		{"plain failure", "plain failure"},
	} {
		if got := goListError(errors.New(tc.err)); got != tc.want {
			t.Errorf("goListError(%q) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
