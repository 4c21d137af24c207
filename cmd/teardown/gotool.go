package main

// What the driver asks of the go command before choosing an engine.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// A goEnvironment is what the go command on PATH says of its environment: the
// variables of keyEnv, from one `go env -json` (a go command costs tens
// of milliseconds, twice where GOTOOLCHAIN switches toolchains, and the
// driver needs the variables for the module check, the result cache's
// key and the engine).
type goEnvironment struct {
	gocmd string            // "" when there is no go command on PATH
	out   string            // the output of go env
	vars  map[string]string // its variables
}

// keyEnv are the go command's variables a goEnvironment holds. Not `go env
// -json` whole: it probes the C compiler, which writes to the build cache
// (and so hides an empty one from buildCacheEmpty), and GOGCCFLAGS names
// a fresh temporary directory every time. The CGO_ flags come from this
// process's environment and the GOENV file instead (goEnvironment.key).
var keyEnv = []string{
	"GOVERSION", "GOCACHE", "GOOS", "GOARCH", "GOFLAGS", "GOEXPERIMENT", "CGO_ENABLED", "CC", "CXX",
	"GOROOT", "GOPATH", "GOMODCACHE", "GOWORK", "GOMOD", "GOENV", "GO111MODULE", "GOTOOLCHAIN",
	"GODEBUG", "GOFIPS140", "GOAMD64", "GOARM", "GOARM64", "GO386", "GOMIPS", "GOMIPS64", "GOPPC64",
	"GORISCV64", "GOWASM",
}

// readGoEnv asks the go command on PATH for its environment, as it will
// run for the packages of the current directory (after any GOTOOLCHAIN
// switch). Without a go command it returns an empty goEnvironment; the engines
// say what is missing.
func readGoEnv(ctx context.Context) (*goEnvironment, error) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		return &goEnvironment{}, nil
	}
	out, err := goOutput(ctx, gocmd, append([]string{"env", "-json"}, keyEnv...)...)
	if err != nil {
		return nil, err
	}
	env := &goEnvironment{gocmd: gocmd, out: out}
	if err := json.Unmarshal([]byte(out), &env.vars); err != nil {
		return nil, fmt.Errorf("go env -json: %v", err)
	}
	return env, nil
}

// key returns what the result cache's key holds of the environment: the
// go command's variables, then this process's CGO_ and PKG_CONFIG
// variables and the contents of the GOENV file (where `go env -w` keeps
// what it sets).
func (e *goEnvironment) key() string {
	var b strings.Builder
	b.WriteString(e.out)
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "CGO_") || strings.HasPrefix(kv, "PKG_CONFIG") {
			b.WriteString(strconv.Quote(kv) + "\n")
		}
	}
	if data, err := os.ReadFile(e.vars["GOENV"]); err == nil {
		b.Write(data)
	}
	return b.String()
}

// buildCacheEmpty reports whether the build cache dir holds nothing: it
// does not exist, is "off", or has no entry in any of its 256 shards (the
// go command creates them empty). This is a fresh machine or CI runner:
// go vet would compile every dependency first, so there is no need to
// start it and ask (buildCacheWarm). "" (unknown) is not empty.
func buildCacheEmpty(dir string) bool {
	if dir == "off" {
		return true
	}
	if dir == "" {
		return false
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return true
	}
	for i := 0; i < 256; i++ {
		entries, err := os.ReadDir(filepath.Join(dir, fmt.Sprintf("%02x", i)))
		if err != nil && !errors.Is(err, fs.ErrNotExist) || len(entries) > 0 {
			return false
		}
	}
	return true
}

// goOutput runs the go command and returns its standard output. Its
// error is one line: the go command's first line of stderr, or how it
// failed to run.
func goOutput(ctx context.Context, gocmd string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, gocmd, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if first, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n"); first != "" {
			return "", fmt.Errorf("%s", strings.TrimPrefix(first, "go: "))
		}
		return "", fmt.Errorf("go %s: %v", strings.Join(args, " "), err)
	}
	return stdout.String(), nil
}

// vetCacheFixed reports whether go vet of Go version v keys its result
// cache on VetxOnly. Before go1.26.9 and go1.27.2 it does not, and a
// package vetted first as a dependency replays no findings when vetted
// later as a root (and the reverse), so the vet engine would be silently
// wrong (docs/usage.md).
func vetCacheFixed(v string) bool {
	if strings.HasPrefix(v, "devel ") {
		return true // a development toolchain: newer than any release
	}
	rest, ok := strings.CutPrefix(v, "go1.")
	if !ok {
		return false // not a version we know
	}
	minor, patch, _ := strings.Cut(rest, ".")
	m, err := strconv.Atoi(minor)
	if err != nil {
		return false // go1.27rc1 and the like: the release candidates have the defect
	}
	p, _ := strconv.Atoi(strings.TrimFunc(patch, func(r rune) bool { return r < '0' || r > '9' }))
	switch {
	case m < 26:
		return false
	case m == 26:
		return p >= 9
	case m == 27:
		return p >= 2
	}
	return true
}

// buildCacheWarm reports whether the go build cache holds the compiled
// standard library for the current configuration (GOOS, GOARCH, build
// flags, toolchain), by asking whether package net is stale: a cache that
// lacks it has not built this configuration, and go vet would compile
// every dependency before analyzing anything. It costs one small go list
// (about 0.3 CPU-seconds). An error counts as warm: go vet will report it.
func buildCacheWarm(ctx context.Context, gocmd string) bool {
	out, err := goOutput(ctx, gocmd, "list", "-f", "{{.Stale}}", "net")
	if err != nil {
		return true
	}
	return strings.TrimSpace(out) != "true"
}
