module github.com/teardownlint/teardown

go 1.26.0

toolchain go1.26.11

require golang.org/x/tools v0.52.0 // indirect
