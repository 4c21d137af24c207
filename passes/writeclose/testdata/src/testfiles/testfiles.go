// Package testfiles checks that _test.go files are not reported by
// default (-connflow.tests=false).
package testfiles
