package main

// What the driver asks of the go command before choosing an engine.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// goVersionCache returns the version of the go command on PATH, as it will run
// for the packages of the current directory (after any GOTOOLCHAIN
// switch): "go1.26.11", or "devel go1.27-abcdef" for a development build;
// and its build cache directory ("off", or "" if it did not say).
func goVersionCache(ctx context.Context, gocmd string) (version, gocache string, err error) {
	out, err := goOutput(ctx, gocmd, "env", "GOVERSION", "GOCACHE")
	if err != nil {
		return "", "", err
	}
	version, gocache, _ = strings.Cut(strings.TrimSpace(out), "\n")
	return strings.TrimSpace(version), strings.TrimSpace(gocache), nil
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
