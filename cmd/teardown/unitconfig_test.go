package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnitGCPercent: a unit run over a package of more than largeUnit
// bytes of Go source collects garbage at the default rate, any other at
// a quarter of it; a facts-only config is told from a vetted one, and a
// config that cannot be read is not mistaken for either.
func TestUnitGCPercent(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, size int) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte("package p\n"+strings.Repeat("/", size)), 0o666); err != nil {
			t.Fatal(err)
		}
		return f
	}
	config := func(name string, vetxOnly bool, files ...string) string {
		data, err := json.Marshal(map[string]any{"ImportPath": "p", "VetxOnly": vetxOnly, "GoFiles": files})
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, data, 0o666); err != nil {
			t.Fatal(err)
		}
		return f
	}
	small := write("small.go", 10<<10)
	half := write("half.go", largeUnit/2)
	for _, tc := range []struct {
		name          string
		cfg           string
		read, factsOn bool
		gcPercent     int
	}{
		{"small package", config("small.cfg", false, small), true, false, 400},
		{"half the size, facts only", config("half.cfg", true, half), true, true, 400},
		{"over largeUnit in two files", config("large.cfg", false, half, write("other.go", largeUnit/2)), true, false, 100},
		{"missing config", filepath.Join(dir, "none.cfg"), false, false, 400},
		{"not JSON", write("bad.cfg", 3), false, false, 400},
	} {
		u := readUnitConfig(tc.cfg)
		if u.read != tc.read || u.VetxOnly != tc.factsOn || u.gcPercent() != tc.gcPercent {
			t.Errorf("%s: read %v, VetxOnly %v, gcPercent %d; want %v, %v, %d",
				tc.name, u.read, u.VetxOnly, u.gcPercent(), tc.read, tc.factsOn, tc.gcPercent)
		}
	}
}
