// Command actions measures two vet tools action by action: the CPU time
// each spends on the same package, the runs of the two interleaved, so
// that what the machine does meanwhile weighs on both alike.
//
// Whole runs of `go vet -vettool` on a shared 2-core machine vary by ±15 %
// within minutes, which hides a 5 % difference between two tools; the
// CPU time of one process on one package, measured a few times with the
// other tool's runs in between, varies by a few percent. run.sh -actions
// makes the two work directories (`go vet -work` of each tool on the same
// packages, so that each action's vet.cfg names its own tool's facts) and
// calls this command on them.
//
// Usage: actions -n N NAME_A=TOOL_A:WORK_A NAME_B=TOOL_B:WORK_B
//
// It pairs the actions of the two work directories by directory name
// (go vet numbers the actions of the same packages alike) and checks that
// each pair is the same package. For each pair it runs both tools N
// times on their vet.cfg, in alternating order, and takes each tool's
// median of user plus system time. It writes one line per action to
// standard output (directory, package, A's and B's median in ms) and the
// totals, their ratio and the largest differences to standard error.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

type tool struct {
	name, exe, work string
}

func parseTool(arg string) (tool, error) {
	name, rest, ok1 := strings.Cut(arg, "=")
	exe, work, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 || name == "" || exe == "" || work == "" {
		return tool{}, fmt.Errorf("%q is not NAME=TOOL:WORKDIR", arg)
	}
	return tool{name, exe, work}, nil
}

// importPath returns the package a vet.cfg is for.
func importPath(cfg string) (string, error) {
	data, err := os.ReadFile(cfg)
	if err != nil {
		return "", err
	}
	var c struct{ ID string }
	if err := json.Unmarshal(data, &c); err != nil {
		return "", fmt.Errorf("%s: %v", cfg, err)
	}
	return c.ID, nil
}

// cpu runs t on cfg once and returns its user plus system time. With
// -json a vet tool writes its diagnostics to standard output and exits 0,
// so any other exit is a failure (a dependency's export data missing, say,
// which would otherwise pass for a fast run).
func cpu(t tool, cfg string) (time.Duration, error) {
	cmd := exec.Command(t.exe, "-json", cfg)
	cmd.Dir = filepath.Dir(cfg)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%s %s: %v: %s", t.name, cfg, err, strings.TrimSpace(stderr.String()))
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func main() {
	n := flag.Int("n", 3, "runs of each tool per action")
	flag.Parse()
	if flag.NArg() != 2 || *n < 1 {
		fmt.Fprintln(os.Stderr, "usage: actions [-n N] NAME_A=TOOL_A:WORK_A NAME_B=TOOL_B:WORK_B")
		os.Exit(2)
	}
	var tools [2]tool
	for i := range tools {
		t, err := parseTool(flag.Arg(i))
		if err != nil {
			fmt.Fprintln(os.Stderr, "actions:", err)
			os.Exit(2)
		}
		tools[i] = t
	}
	cfgs, err := filepath.Glob(filepath.Join(tools[0].work, "*", "vet.cfg"))
	if err != nil || len(cfgs) == 0 {
		fmt.Fprintf(os.Stderr, "actions: no vet.cfg under %s\n", tools[0].work)
		os.Exit(2)
	}
	slices.Sort(cfgs)

	type result struct {
		dir, pkg string
		a, b     time.Duration
	}
	var results []result
	var total [2]time.Duration
	for k, cfgA := range cfgs {
		dir := filepath.Base(filepath.Dir(cfgA))
		cfgB := filepath.Join(tools[1].work, dir, "vet.cfg")
		pkgA, errA := importPath(cfgA)
		pkgB, errB := importPath(cfgB)
		if errA != nil || errB != nil || pkgA != pkgB {
			fmt.Fprintf(os.Stderr, "actions: %s is %q in %s and %q in %s (%v, %v): the work directories are not of the same packages\n",
				dir, pkgA, tools[0].work, pkgB, tools[1].work, errA, errB)
			os.Exit(1)
		}
		var runs [2][]time.Duration
		for r := range *n {
			order := []int{0, 1}
			if (k+r)%2 == 1 {
				order = []int{1, 0}
			}
			for _, i := range order {
				cfg := cfgA
				if i == 1 {
					cfg = cfgB
				}
				d, err := cpu(tools[i], cfg)
				if err != nil {
					fmt.Fprintln(os.Stderr, "actions:", err)
					os.Exit(1)
				}
				runs[i] = append(runs[i], d)
			}
		}
		res := result{dir, pkgA, median(runs[0]), median(runs[1])}
		total[0] += res.a
		total[1] += res.b
		results = append(results, res)
		fmt.Printf("%s\t%s\t%.2f\t%.2f\n", res.dir, res.pkg, ms(res.a), ms(res.b))
	}

	fmt.Fprintf(os.Stderr, "actions: %d actions, %d runs each: %s %.2f s, %s %.2f s of CPU: %.3f×\n",
		len(results), *n, tools[0].name, total[0].Seconds(), tools[1].name, total[1].Seconds(),
		total[0].Seconds()/total[1].Seconds())
	slices.SortStableFunc(results, func(x, y result) int { return int((y.a - y.b) - (x.a - x.b)) })
	for _, r := range results[:min(10, len(results))] {
		fmt.Fprintf(os.Stderr, "  %+8.1f ms  %s (%.1f against %.1f)\n", ms(r.a-r.b), r.pkg, ms(r.a), ms(r.b))
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
