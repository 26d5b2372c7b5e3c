package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/types/known/timestamppb"
)

const (
	// maxBatchReports is BatchReportLocations' limit per call.
	maxBatchReports = 10_000
	// rosterChunk is the most responders one ImportResponders call adds.
	rosterChunk = 20_000
	// shiftWorkers is how many StartShift calls run at once.
	shiftWorkers = 16
	// maxRowErrors is the most rejected rows reported one by one.
	maxRowErrors = 20
)

// positionsResult is what "responders positions" prints.
type positionsResult struct {
	Rows          int        `json:"rows"`
	AddedToRoster int        `json:"added_to_roster"`
	ShiftsStarted int        `json:"shifts_started"`
	Applied       int        `json:"applied"`
	IgnoredOlder  int        `json:"ignored_older"`
	Rejected      int        `json:"rejected"`
	Errors        []rowError `json:"errors"` // the first maxRowErrors rejections
}

type rowError struct {
	Line  int    `json:"line"`
	ID    string `json:"id"`
	Error string `json:"error"`
}

func (a *app) positionsCmd() *cobra.Command {
	var datum string
	c := &cobra.Command{
		Use:   "positions FILE.csv",
		Short: "Put responders on shift at the positions of a CSV (id,kind,travel_mode,lat,lng)",
		Long: "For operations and load tests. Responders missing from the roster are added with\n" +
			"their id, kind and travel_mode (entries already on the roster are left as they are);\n" +
			"each responder's shift is started (harmless if it is open), then the positions are\n" +
			"reported with BatchReportLocations, 10,000 per call, fixed now.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := parseDatum(datum)
			if err != nil {
				return err
			}
			rows, err := readPositions(args[0])
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			res, err := a.loadPositions(a.withCredentials(cmd.Context()), rows, d)
			if err != nil {
				return err
			}
			return a.emitValue(cmd, res, func(w io.Writer) { positionsTable(w, res) })
		},
	}
	c.Flags().StringVar(&datum, "datum", "wgs84", "datum of the file's coordinates: wgs84, gcj02 or bd09")
	return c
}

// loadPositions adds the missing responders to the roster, starts every
// shift and reports the positions.
func (a *app) loadPositions(ctx context.Context, rows []positionRow, datum gridwatchv1.Datum) (positionsResult, error) {
	res := positionsResult{Rows: len(rows), Errors: []rowError{}}
	var err error
	if res.AddedToRoster, err = a.ensureRoster(ctx, rows); err != nil {
		return res, err
	}
	if res.ShiftsStarted, err = a.startShifts(ctx, rows); err != nil {
		return res, err
	}
	return res, a.reportPositions(ctx, rows, datum, &res)
}

// ensureRoster imports the responders of rows the roster lacks.
func (a *app) ensureRoster(ctx context.Context, rows []positionRow) (int, error) {
	cl, err := a.roster()
	if err != nil {
		return 0, err
	}
	known := map[string]bool{}
	err = listAll(ctx, func(ctx context.Context, tok string) (string, error) {
		ctx, cancel := context.WithTimeout(ctx, a.timeout)
		defer cancel()
		r, err := cl.ListResponders(ctx, &gridwatchv1.ListRespondersRequest{PageSize: 1000, PageToken: tok})
		for _, x := range r.GetResponders() {
			known[strings.TrimPrefix(x.GetName(), "responders/")] = true
		}
		return r.GetNextPageToken(), err
	})
	if err != nil {
		return 0, fmt.Errorf("listing the roster: %w", err)
	}
	var missing []positionRow
	for _, r := range rows {
		if !known[r.id] {
			known[r.id] = true
			missing = append(missing, r)
		}
	}
	for start := 0; start < len(missing); start += rosterChunk {
		chunk := missing[start:min(start+rosterChunk, len(missing))]
		cctx, cancel := context.WithTimeout(ctx, a.timeout)
		_, err := cl.ImportResponders(cctx, &gridwatchv1.ImportRespondersRequest{Data: rosterCSV(chunk)})
		cancel()
		if err != nil {
			return start, fmt.Errorf("adding responders to the roster (from line %d): %w", chunk[0].line, err)
		}
	}
	return len(missing), nil
}

// startShifts starts the shift of every distinct responder of rows,
// shiftWorkers at a time; it stops at the first error.
func (a *app) startShifts(ctx context.Context, rows []positionRow) (int, error) {
	cl, err := a.presence()
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	todo := make(chan positionRow)
	var wg sync.WaitGroup
	for range shiftWorkers {
		wg.Go(func() {
			for r := range todo {
				cctx, done := context.WithTimeout(ctx, a.timeout)
				_, err := cl.StartShift(cctx, &gridwatchv1.StartShiftRequest{Responder: "responders/" + r.id})
				done()
				if err != nil {
					cancel(fmt.Errorf("starting the shift of %s (line %d): %w", r.id, r.line, err))
				}
			}
		})
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.id] {
			continue
		}
		seen[r.id] = true
		select {
		case todo <- r:
		case <-ctx.Done():
		}
	}
	close(todo)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return 0, err
	}
	return len(seen), nil
}

// reportPositions reports rows' positions, fixed now, in batches.
func (a *app) reportPositions(ctx context.Context, rows []positionRow, datum gridwatchv1.Datum, res *positionsResult) error {
	cl, err := a.presence()
	if err != nil {
		return err
	}
	now := timestamppb.New(time.Now())
	for start := 0; start < len(rows); start += maxBatchReports {
		chunk := rows[start:min(start+maxBatchReports, len(rows))]
		req := &gridwatchv1.BatchReportLocationsRequest{Reports: make([]*gridwatchv1.LocationReport, len(chunk))}
		for i, r := range chunk {
			req.Reports[i] = &gridwatchv1.LocationReport{Responder: "responders/" + r.id,
				Update: &gridwatchv1.LocationUpdate{Position: r.pos, Datum: datum, FixTime: now}}
		}
		cctx, cancel := context.WithTimeout(ctx, a.timeout)
		resp, err := cl.BatchReportLocations(cctx, req)
		cancel()
		if err != nil {
			return fmt.Errorf("reporting positions (from line %d): %w", chunk[0].line, err)
		}
		res.count(chunk, resp)
	}
	return nil
}

// count adds the results of one batch.
func (res *positionsResult) count(chunk []positionRow, resp *gridwatchv1.BatchReportLocationsResponse) {
	for i, r := range resp.GetResults() {
		switch r {
		case gridwatchv1.LocationResult_LOCATION_RESULT_APPLIED:
			res.Applied++
		case gridwatchv1.LocationResult_LOCATION_RESULT_IGNORED_OLDER:
			res.IgnoredOlder++
		default:
			res.Rejected++
			if len(res.Errors) < maxRowErrors && i < len(chunk) {
				msg := ""
				if i < len(resp.GetErrors()) {
					msg = resp.GetErrors()[i]
				}
				res.Errors = append(res.Errors, rowError{Line: chunk[i].line, ID: chunk[i].id, Error: msg})
			}
		}
	}
}

func positionsTable(w io.Writer, res positionsResult) {
	row(w, "rows", res.Rows)
	row(w, "added to roster", res.AddedToRoster)
	row(w, "shifts started", res.ShiftsStarted)
	row(w, "applied", res.Applied)
	row(w, "ignored (older)", res.IgnoredOlder)
	row(w, "rejected", res.Rejected)
	for _, e := range res.Errors {
		row(w, fmt.Sprintf("  line %d", e.Line), e.ID, e.Error)
	}
}
