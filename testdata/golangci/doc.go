// Package golangcitest is the input of scripts/golangci/test.sh: code on
// which the teardown golangci-lint plugin must report (or, suppressed or
// configured, must not report) exact findings. Line numbers matter: the
// script checks file:line.
package golangcitest
