package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/store"
)

// `warroom demo` fills a database with a made-up year of incidents
// (store.GenerateHistory), so that the dashboard, `warroom report` and the
// board have something to show. It refuses a database that already holds
// incidents unless --force: demo data mixed into real history would make
// the real figures lie.

// demoCount is how many incidents a demo writes unless told: about a dozen
// a month, enough for every figure and trend, few enough that repeats
// (same service and cause within a month) stay rare.
const demoCount = 150

func runDemo(g globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", &g, stderr)
	seed := fs.String("seed", "", "the history's seed: the same seed, count and day give the same history (required)")
	count := fs.Int("count", demoCount, fmt.Sprintf("how many incidents, 1 to %d", store.MaxHistory))
	force := fs.Bool("force", false, "add the history to a database that already holds incidents")
	clock := clockFlag(fs)
	pos, err := parseFlags(fs, &g, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("demo takes no arguments (got %q)", pos[0])}
	}
	if *seed == "" {
		return usageError{"demo needs --seed N: the same seed gives the same history"}
	}
	n, err := strconv.ParseInt(*seed, 10, 64)
	if err != nil {
		return usageError{fmt.Sprintf("--seed %q is not a whole number", *seed)}
	}
	if *count < 1 || *count > store.MaxHistory {
		return usageError{fmt.Sprintf("--count %d: want 1 to %d", *count, store.MaxHistory)}
	}
	now, err := clock()
	if err != nil {
		return err
	}
	st, cat, err := open(g)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	err = store.GenerateHistory(ctx, st, cat, store.HistoryOptions{Seed: n, Count: *count, Now: now, Force: *force})
	if errors.Is(err, model.ErrConflict) {
		return usageError{err.Error() + "; warroom demo --force adds to it anyway, or use another --db"}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d demo incidents, the year to %s, written to %s\n", *count, now.Format(time.DateOnly), st.Path())
	return nil
}
