package api

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// Defaults of the caps on received messages.
const (
	// DefaultMaxRequestBytes is the default cap on a request that is not an
	// import or a location update.
	DefaultMaxRequestBytes = 64 << 10
	// DefaultMaxUpdateBytes is the default cap on one location update:
	// a ReportLocations message, a BatchReportLocations report.
	DefaultMaxUpdateBytes = 1 << 10
)

// sizeCaps checks every message a method receives against the method's
// cap (methodRules), in its protobuf encoding: the same bytes whether it
// came over gRPC or through the HTTP gateway. The gRPC server's own
// receive limit (server.Config.MaxRecvMsgBytes), above the largest cap,
// bounds what is decoded at all.
type sizeCaps struct {
	request, update, imports int
}

func newSizeCaps(c Config) sizeCaps {
	s := sizeCaps{request: c.MaxRequestBytes, update: c.MaxUpdateBytes, imports: c.MaxImportBytes}
	if s.request <= 0 {
		s.request = DefaultMaxRequestBytes
	}
	if s.update <= 0 {
		s.update = DefaultMaxUpdateBytes
	}
	if s.imports <= 0 {
		s.imports = DefaultMaxImportBytes
	}
	s.imports += importSlack
	return s
}

// check returns an INVALID_ARGUMENT naming the limit if m is over the cap
// of its class.
func (s sizeCaps) check(class sizeClass, m any) error {
	msg, ok := m.(proto.Message)
	if !ok {
		return nil
	}
	switch class {
	case sizeBatch:
		return s.checkBatch(msg)
	case sizeUpdate:
		return overCap("", proto.Size(msg), s.update, "a location update")
	case sizeImport:
		return overCap("", proto.Size(msg), s.imports, "an import request")
	}
	return overCap("", proto.Size(msg), s.request, "a request")
}

// checkBatch checks each report of a BatchReportLocations request against
// the update cap; their number is the handler's to check.
func (s sizeCaps) checkBatch(msg proto.Message) error {
	req, ok := msg.(*gridwatchv1.BatchReportLocationsRequest)
	if !ok {
		return overCap("", proto.Size(msg), s.request, "a request")
	}
	for i, r := range req.GetReports() {
		if err := overCap(fmt.Sprintf("reports[%d]", i), proto.Size(r), s.update, "a location update"); err != nil {
			return err
		}
	}
	return nil
}

// overCap returns the error of a message of n bytes over max, or nil.
func overCap(field string, n, max int, what string) error {
	if n <= max {
		return nil
	}
	return invalidf(field, "%s may be at most %s; this one is %s", what, formatBytes(max), formatBytes(n))
}

func (s sizeCaps) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if err := s.check(ruleOf(info.FullMethod, false).size, req); err != nil {
		return nil, toStatus(err)
	}
	return handler(ctx, req)
}

func (s sizeCaps) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	return handler(srv, &cappedStream{ServerStream: ss, caps: s, class: ruleOf(info.FullMethod, true).size})
}

// cappedStream checks each message received against a cap.
type cappedStream struct {
	grpc.ServerStream
	caps  sizeCaps
	class sizeClass
}

// RecvMsg receives a message; one over the cap fails the stream with
// INVALID_ARGUMENT, unapplied.
func (s *cappedStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	if err := s.caps.check(s.class, m); err != nil {
		return toStatus(err)
	}
	return nil
}
