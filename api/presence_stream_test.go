package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
)

// sent is one request of a stream test and the ack it must get.
type sent struct {
	responder string
	update    *gridwatchv1.LocationUpdate
	result    gridwatchv1.LocationResult
	errHas    string // in the ack's error
}

// recvAll reads acks until the server ends the stream.
func recvAll(stream gridwatchv1.PresenceService_ReportLocationsClient) ([]*gridwatchv1.LocationAck, error) {
	var acks []*gridwatchv1.LocationAck
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return acks, nil
		}
		if err != nil {
			return acks, err
		}
		acks = append(acks, resp.GetAcks()...)
	}
}

func TestReportLocationsAcks(t *testing.T) {
	e := newPresenceEnv(t)
	e.mustPlace(t, map[string]*gridwatchv1.LatLng{"w1": metresNorth(500)})
	t0 := time.Now()
	noFix := update(scene, t0)
	noFix.FixTime = nil
	reqs := []sent{
		{"responders/w1", update(metresNorth(40), t0), applied, ""},
		{"responders/w1", update(metresNorth(90), t0.Add(-10*time.Second)), ignored, ""},
		{"responders/w1", update(&gridwatchv1.LatLng{Latitude: math.NaN(), Longitude: 123.4}, t0), rejected, "update.position.latitude"},
		{"w1", update(scene, t0), rejected, "responder"},
		{"responders/w2", update(scene, t0), rejected, "not on shift"},
		{"responders/nobody", update(scene, t0), rejected, "not on shift"},
		{"responders/w1", noFix, rejected, "update.fix_time"},
		{"responders/w1", update(scene, t0.Add(time.Hour)), rejected, "fix_time"},
		{"responders/w1", update(metresNorth(30), t0.Add(time.Second)), applied, ""},
	}
	stream, err := e.presence.ReportLocations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range reqs {
		if err := stream.Send(&gridwatchv1.ReportLocationsRequest{Responder: r.responder, Update: r.update, Sequence: int64(100 + i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := stream.CloseSend(); err != nil {
		t.Fatal(err)
	}
	acks, err := recvAll(stream)
	if err != nil {
		t.Fatalf("stream ended with %v, want io.EOF after the acks", err)
	}
	if len(acks) != len(reqs) {
		t.Fatalf("got %d acks, want %d: %v", len(acks), len(reqs), acks)
	}
	for i, ack := range acks {
		want := reqs[i]
		if ack.GetSequence() != int64(100+i) || ack.GetResult() != want.result ||
			(want.errHas == "") != (ack.GetError() == "") || !strings.Contains(ack.GetError(), want.errHas) {
			t.Errorf("ack %d: got %v, want sequence %d %v with an error containing %q", i, ack, 100+i, want.result, want.errHas)
		}
	}
	rec := e.mustFind(t, "dispatcher", nil)
	if got := rec.GetCircles()[0].GetResponders(); len(got) != 1 || got[0].GetDistanceM() > 31 {
		t.Errorf("after the stream w1 should be 30 m away: got %v", got)
	}
}

// Many updates pipelined on one stream are all acknowledged, in order.
func TestReportLocationsPipelined(t *testing.T) {
	for _, batch := range []int{1, defaultAckBatch} {
		t.Run(fmt.Sprintf("ack batch %d", batch), func(t *testing.T) {
			e := newPresenceEnvWith(t, Config{streamAckBatch: batch})
			e.mustPlace(t, map[string]*gridwatchv1.LatLng{"w1": scene, "w2": scene})
			stream, err := e.presence.ReportLocations(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			const n = 3000
			t0 := time.Now()
			go func() {
				for i := range n {
					id := []string{"responders/w1", "responders/w2"}[i%2]
					_ = stream.Send(&gridwatchv1.ReportLocationsRequest{Responder: id,
						Update: update(metresNorth(float64(i%100)), t0.Add(time.Duration(i)*time.Millisecond)), Sequence: int64(i)})
				}
				_ = stream.CloseSend()
			}()
			acks, err := recvAll(stream)
			if err != nil || len(acks) != n {
				t.Fatalf("got %d acks and %v, want %d and EOF", len(acks), err, n)
			}
			for i, ack := range acks {
				if ack.GetSequence() != int64(i) || ack.GetResult() != applied {
					t.Fatalf("ack %d: got %v, want sequence %d applied", i, ack, i)
				}
			}
		})
	}
}

// failingPresence fails every update as an unreachable store does.
type failingPresence struct {
	Presence // nil: other methods are not called
	err      error
}

func (f failingPresence) ReportBatchApplied(_ context.Context, us []presence.Update) ([]bool, []bool, []error) {
	errs := make([]error, len(us))
	for i := range errs {
		errs[i] = f.err
	}
	return make([]bool, len(us)), make([]bool, len(us)), errs
}

// A store failure is no client's fault: it ends the stream with a status
// instead of rejecting the update.
func TestReportLocationsStoreDown(t *testing.T) {
	down := fmt.Errorf("moving: %w", errors.Join(grid.ErrUnavailable, errors.New("dial tcp 10.0.0.9:6379: refused")))
	e := serve(t, Config{}, func(s *grpc.Server) { Register(s, nil, failingPresence{err: down}, Config{}) })
	stream, err := e.presence.ReportLocations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&gridwatchv1.ReportLocationsRequest{Responder: "responders/w1", Update: update(scene, time.Now())}); err != nil {
		t.Fatal(err)
	}
	acks, err := recvAll(stream)
	st := status.Convert(err)
	if len(acks) != 0 || st.Code() != codes.Unavailable || strings.Contains(st.Message(), "10.0.0.9") {
		t.Errorf("got acks %v and %v, want none and Unavailable without the cause", acks, err)
	}
	_, err = e.presence.BatchReportLocations(t.Context(), &gridwatchv1.BatchReportLocationsRequest{
		Reports: []*gridwatchv1.LocationReport{{Responder: "responders/w1", Update: update(scene, time.Now())}}})
	if status.Code(err) != codes.Unavailable {
		t.Errorf("BatchReportLocations: got %v, want Unavailable", err)
	}
}

// A client that goes away ends the stream; the handler does not linger.
func TestReportLocationsClientCancels(t *testing.T) {
	e := newPresenceEnv(t)
	ctx, cancel := context.WithCancel(t.Context())
	stream, err := e.presence.ReportLocations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&gridwatchv1.ReportLocationsRequest{Responder: "responders/w1", Update: update(scene, time.Now())}); err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := recvAll(stream); status.Code(err) != codes.Canceled {
		t.Errorf("after cancel: got %v, want Canceled", err)
	}
}

func TestBatchReportLocations(t *testing.T) {
	e := newPresenceEnv(t)
	e.mustPlace(t, map[string]*gridwatchv1.LatLng{"w1": scene, "b1": scene})
	t0 := time.Now()
	resp, err := e.presence.BatchReportLocations(t.Context(), &gridwatchv1.BatchReportLocationsRequest{
		Reports: []*gridwatchv1.LocationReport{
			{Responder: "responders/w1", Update: update(metresNorth(10), t0)},
			{Responder: "responders/b1", Update: update(metresNorth(10), t0.Add(-time.Hour))},
			{Responder: "responders/w2", Update: update(metresNorth(10), t0)},
			{Responder: "responders/b1", Update: &gridwatchv1.LocationUpdate{FixTime: update(scene, t0).GetFixTime()}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	wantResults := []gridwatchv1.LocationResult{applied, ignored, rejected, rejected}
	wantErrors := []string{"", "", "not on shift", "update.position"}
	for i := range wantResults {
		if resp.GetResults()[i] != wantResults[i] || !strings.Contains(resp.GetErrors()[i], wantErrors[i]) ||
			(wantErrors[i] == "") != (resp.GetErrors()[i] == "") {
			t.Errorf("report %d: got %v %q, want %v %q", i, resp.GetResults()[i], resp.GetErrors()[i], wantResults[i], wantErrors[i])
		}
	}
	for _, n := range []int{0, MaxBatchReports + 1} {
		req := &gridwatchv1.BatchReportLocationsRequest{}
		for range n {
			req.Reports = append(req.Reports, &gridwatchv1.LocationReport{})
		}
		_, err := e.presence.BatchReportLocations(t.Context(), req)
		wantInvalid(t, err, "reports")
	}
}
