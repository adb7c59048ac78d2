// Package measure holds the small helpers the benchmark programs under bench/
// share: percentiles, peak resident memory of a child process, and the
// tab-separated rows that `make bench` gathers into one table.
package measure

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Percentile returns the p-th percentile (0 < p <= 100) of ds by the
// nearest-rank method. ds is sorted in place.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	rank := int(p/100*float64(len(ds))+0.999999) - 1
	if rank < 0 {
		rank = 0
	}
	if rank >= len(ds) {
		rank = len(ds) - 1
	}
	return ds[rank]
}

// PeakRSS returns the peak resident set size (VmHWM) of a running process,
// in kilobytes, read from /proc.
func PeakRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("measure: no VmHWM for pid %d", pid)
}

// Row prints one result row, "subject<TAB>metric<TAB>value<TAB>target", for
// the table `make bench` prints. target may be empty.
func Row(subject, metric, value, target string) {
	fmt.Printf("%s\t%s\t%s\t%s\n", subject, metric, value, target)
}

// Millis formats d in milliseconds with two decimals.
func Millis(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
}
