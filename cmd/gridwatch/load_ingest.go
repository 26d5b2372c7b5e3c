package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// ingestResult is what "load ingest" prints.
type ingestResult struct {
	Streams          int       `json:"streams"`
	Window           int       `json:"window"`
	Responders       int       `json:"responders"`
	DurationS        float64   `json:"duration_s"`
	Acked            int64     `json:"acked"`
	Applied          int64     `json:"applied"`
	IgnoredOlder     int64     `json:"ignored_older"`
	Rejected         int64     `json:"rejected"`
	Responses        int64     `json:"responses"`
	AcksPerResponse  float64   `json:"acks_per_response"`
	UpdatesPerSecond float64   `json:"updates_per_second"`
	AckLatency       latencies `json:"ack_latency"`
}

// streamStats is one stream's share of an ingestResult.
type streamStats struct {
	acked, applied, ignored, rejected, responses int64
	samples                                      []time.Duration
}

func (a *app) loadIngestCmd() *cobra.Command {
	var f loadFlags
	var streams, window int
	c := &cobra.Command{
		Use:   "ingest",
		Short: "Send location updates over --streams ReportLocations streams as fast as acks allow",
		Long: "Each stream sends the updates of its own share of the responders, keeping up to\n" +
			"--window updates unacknowledged, for --duration. Prints the acknowledged updates per\n" +
			"second and the ack latency (send to ack) percentiles.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if streams < 1 || window < 1 || f.responders < streams {
				return errors.New("want --streams ≥ 1, --window ≥ 1 and --responders ≥ --streams")
			}
			ctx := a.withCredentials(cmd.Context())
			rows, err := a.setup(ctx, cmd, &f)
			if err != nil {
				return err
			}
			res, err := a.ingest(ctx, rows, streams, window, f.duration)
			if err != nil {
				return err
			}
			return a.emitValue(cmd, res, func(w io.Writer) { ingestTable(w, res) })
		},
	}
	f.add(c, 8000)
	c.Flags().IntVar(&streams, "streams", 8, "concurrent streams, one per simulated phone gateway")
	c.Flags().IntVar(&window, "window", 256, "most unacknowledged updates per stream")
	return c
}

// ingest runs the streams and sums their results.
func (a *app) ingest(ctx context.Context, rows []positionRow, streams, window int, d time.Duration) (ingestResult, error) {
	cl, err := a.presence()
	if err != nil {
		return ingestResult{}, err
	}
	res := ingestResult{Streams: streams, Window: window, Responders: len(rows)}
	stats := make([]streamStats, streams)
	errs := make([]error, streams)
	start := time.Now()
	until := start.Add(d)
	var wg sync.WaitGroup
	for i := range streams {
		var mine []positionRow
		for j := i; j < len(rows); j += streams {
			mine = append(mine, rows[j])
		}
		wg.Go(func() { stats[i], errs[i] = ingestStream(ctx, cl, mine, window, until) })
	}
	wg.Wait()
	res.DurationS = time.Since(start).Seconds()
	if err := errors.Join(errs...); err != nil {
		return res, err
	}
	var all []time.Duration
	for _, s := range stats {
		res.Acked += s.acked
		res.Applied += s.applied
		res.IgnoredOlder += s.ignored
		res.Rejected += s.rejected
		res.Responses += s.responses
		all = append(all, s.samples...)
	}
	res.UpdatesPerSecond = float64(res.Acked) / res.DurationS
	if res.Responses > 0 {
		res.AcksPerResponse = float64(res.Acked) / float64(res.Responses)
	}
	res.AckLatency = summarise(all)
	return res, nil
}

// ingestStream sends rows' updates on one stream until the deadline,
// keeping at most window unacknowledged, and reads the acks.
func ingestStream(ctx context.Context, cl gridwatchv1.PresenceServiceClient, rows []positionRow, window int, until time.Time) (streamStats, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := cl.ReportLocations(ctx)
	if err != nil {
		return streamStats{}, err
	}
	ringSize := 1
	for ringSize < 2*window {
		ringSize *= 2
	}
	sentAt := make([]atomic.Int64, ringSize) // by sequence & (ringSize-1)
	tokens := make(chan struct{}, window)
	sendErr := make(chan error, 1)
	go func() { sendErr <- sendUpdates(ctx, stream, rows, tokens, sentAt, until) }()
	st := streamStats{samples: make([]time.Duration, 0, 1<<16)}
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			cancel()
			<-sendErr
			return st, fmt.Errorf("stream: %w", err)
		}
		now := time.Now().UnixNano()
		st.responses++
		for _, ack := range resp.GetAcks() {
			st.count(ack, time.Duration(now-sentAt[ack.GetSequence()&int64(ringSize-1)].Load()))
			<-tokens
		}
	}
	return st, <-sendErr
}

// sendUpdates sends updates of rows round robin, one token each, until the
// deadline, then closes the sending side.
func sendUpdates(ctx context.Context, stream gridwatchv1.PresenceService_ReportLocationsClient, rows []positionRow,
	tokens chan struct{}, sentAt []atomic.Int64, until time.Time) error {
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = "responders/" + r.id
	}
	pos := &gridwatchv1.LatLng{}
	fix := &timestamppb.Timestamp{}
	req := &gridwatchv1.ReportLocationsRequest{Update: &gridwatchv1.LocationUpdate{Position: pos, AccuracyM: 8, FixTime: fix}}
	mask := int64(len(sentAt) - 1)
	for seq := int64(1); ; seq++ {
		select {
		case tokens <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		now := time.Now()
		if now.After(until) {
			break
		}
		r := rows[int(seq)%len(rows)]
		req.Responder, req.Sequence = names[int(seq)%len(rows)], seq
		wiggle := float64(seq%7-3) * 1e-5 // a few metres of walking
		pos.Latitude, pos.Longitude = r.pos.GetLatitude()+wiggle, r.pos.GetLongitude()-wiggle
		fix.Seconds, fix.Nanos = now.Unix(), int32(now.Nanosecond())
		sentAt[seq&mask].Store(now.UnixNano())
		if err := stream.Send(req); err != nil {
			return fmt.Errorf("send: %w", err)
		}
	}
	return stream.CloseSend()
}

// count adds one ack that took lat.
func (s *streamStats) count(ack *gridwatchv1.LocationAck, lat time.Duration) {
	s.acked++
	switch ack.GetResult() {
	case gridwatchv1.LocationResult_LOCATION_RESULT_APPLIED:
		s.applied++
	case gridwatchv1.LocationResult_LOCATION_RESULT_IGNORED_OLDER:
		s.ignored++
	default:
		s.rejected++
	}
	s.samples = append(s.samples, lat)
}

func ingestTable(w io.Writer, r ingestResult) {
	row(w, "streams × window", fmt.Sprintf("%d × %d", r.Streams, r.Window))
	row(w, "responders", r.Responders)
	row(w, "acknowledged", fmt.Sprintf("%d in %.1fs", r.Acked, r.DurationS))
	row(w, "updates/s", fmt.Sprintf("%.0f", r.UpdatesPerSecond))
	row(w, "applied / ignored / rejected", fmt.Sprintf("%d / %d / %d", r.Applied, r.IgnoredOlder, r.Rejected))
	row(w, "acks per response", fmt.Sprintf("%.1f", r.AcksPerResponse))
	row(w, "ack latency p50 / p90 / p99 / max", fmt.Sprintf("%.2f / %.2f / %.2f / %.2f ms",
		r.AckLatency.P50, r.AckLatency.P90, r.AckLatency.P99, r.AckLatency.Max))
}
