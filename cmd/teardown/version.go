package main

// The version teardown reports: -V=full (for people and for go vet's
// cache) and the SARIF log's tool version.

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

// version describes the build from its build information: the module
// version for `go install ...@v0.1.0` ("v0.1.0"), the pseudo-version the
// go command derives from the VCS for a build in a clone
// ("v0.0.0-20261204093000-0123456789ab", "+dirty" when modified), or,
// when the go command recorded only the VCS revision, "devel-" and the
// revision's first 12 hex digits, its time and "-dirty" when modified.
// A build with no version and no VCS information (go build
// -buildvcs=false, go run) is "devel".
func version(bi *debug.BuildInfo) string {
	if bi == nil {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	setting := map[string]string{}
	for _, s := range bi.Settings {
		setting[s.Key] = s.Value
	}
	rev := setting["vcs.revision"]
	if rev == "" {
		return "devel"
	}
	v := "devel-" + rev[:min(len(rev), 12)]
	if t := setting["vcs.time"]; t != "" {
		v += "-" + strings.NewReplacer("-", "", ":", "").Replace(t)
	}
	if setting["vcs.modified"] == "true" {
		v += "-dirty"
	}
	return v
}

// buildVersion is version of this executable's build information.
func buildVersion() string {
	bi, _ := debug.ReadBuildInfo()
	return version(bi)
}

// printVersion prints the -V=full line:
//
//	teardown version v0.1.0 go1.26.11 buildID=<sha256 of the executable>
//
// go vet runs `teardown -V=full` and keys its cache on the answer: on
// the whole line for a release, on the buildID for a version containing
// "devel". Either way the hash of the executable is in the key, so a
// rebuilt teardown never reuses another build's results.
func printVersion(w io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	f, err := os.Open(exe)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	goVersion := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
	}
	_, err = fmt.Fprintf(w, "teardown version %s %s buildID=%x\n", buildVersion(), goVersion, h.Sum(nil))
	return err
}
