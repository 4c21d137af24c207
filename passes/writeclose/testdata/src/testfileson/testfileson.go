// Package testfileson checks that -connflow.tests=true reports _test.go files.
package testfileson
