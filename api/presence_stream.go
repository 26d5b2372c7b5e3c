package api

import (
	"errors"
	"io"

	"google.golang.org/grpc/status"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// Tuning of ReportLocations.
const (
	// streamReadAhead is how many requests a stream's receiver may hold
	// ahead of processing.
	streamReadAhead = 512
	// defaultAckBatch caps the acks of one response.
	defaultAckBatch = 256
)

// ReportLocations applies a phone's stream of updates. A receiver
// goroutine reads requests ahead; the handler takes whatever has arrived
// (at least one request, at most the ack batch), applies it and answers
// with one response acknowledging all of it. Under load that is one Send
// per many updates; an idle phone still gets each ack at once.
func (s *presenceServer) ReportLocations(stream gridwatchv1.PresenceService_ReportLocationsServer) error {
	ctx := stream.Context()
	reqs := make(chan *gridwatchv1.ReportLocationsRequest, streamReadAhead)
	var recvErr error // written before reqs is closed
	go func() {
		defer close(reqs)
		for {
			req, err := stream.Recv()
			if err != nil {
				recvErr = err
				return
			}
			select {
			case reqs <- req:
			case <-ctx.Done():
				recvErr = ctx.Err()
				return
			}
		}
	}()
	a, r := newAcker(s.cfg.ackBatch()), s.newReporter()
	for {
		batch, ok := a.next(reqs)
		if !ok {
			return streamEnd(recvErr)
		}
		outs, err := applyReports(ctx, r, batch)
		if err != nil {
			return s.fail(ctx, err)
		}
		for i, o := range outs {
			a.add(batch[i].GetSequence(), o)
		}
		if err := stream.Send(a.response()); err != nil {
			return err
		}
	}
}

// streamEnd returns the handler's result once the receiver has stopped:
// nil when the client closed its side, else the receiver's error.
func streamEnd(err error) error {
	if errors.Is(err, io.EOF) {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	return toStatus(err)
}

// acker batches a stream's requests and builds the responses acknowledging
// them, reusing its messages: Send has serialised a response when it
// returns.
type acker struct {
	max   int
	batch []*gridwatchv1.ReportLocationsRequest
	acks  []*gridwatchv1.LocationAck
	resp  gridwatchv1.ReportLocationsResponse
}

func newAcker(max int) *acker {
	return &acker{max: max, batch: make([]*gridwatchv1.ReportLocationsRequest, 0, max)}
}

// next waits for a request, then takes the others already waiting, up to
// max. ok is false when reqs is closed and drained.
func (a *acker) next(reqs <-chan *gridwatchv1.ReportLocationsRequest) (batch []*gridwatchv1.ReportLocationsRequest, ok bool) {
	clear(a.batch)
	a.batch = a.batch[:0]
	a.resp.Acks = a.resp.Acks[:0]
	req, ok := <-reqs
	if !ok {
		return nil, false
	}
	a.batch = append(a.batch, req)
	for len(a.batch) < a.max {
		select {
		case req, ok := <-reqs:
			if !ok {
				return a.batch, true
			}
			a.batch = append(a.batch, req)
		default:
			return a.batch, true
		}
	}
	return a.batch, true
}

// add appends the ack of one request to the next response.
func (a *acker) add(seq int64, o outcome) {
	n := len(a.resp.Acks)
	if n == len(a.acks) {
		a.acks = append(a.acks, &gridwatchv1.LocationAck{})
	}
	ack := a.acks[n]
	ack.Sequence, ack.Result, ack.Error = seq, o.result, o.message()
	a.resp.Acks = a.acks[:n+1]
}

// response returns the response of the acks added since next; it stays
// valid until the following call of next.
func (a *acker) response() *gridwatchv1.ReportLocationsResponse { return &a.resp }
