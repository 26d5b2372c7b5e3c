package api

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/peer"

	"github.com/gridwatch/gridwatch/auth"
	"github.com/gridwatch/gridwatch/limit"
)

// Limits are the per-caller limits of the API (see docs/SECURITY.md). The
// zero Limits limits nothing; gridwatchd sets production defaults.
type Limits struct {
	// Unary is the rate of a caller's unary calls, other than Bulk ones.
	Unary limit.Rate
	// Bulk is the rate of a caller's imports and BatchReportLocations
	// calls, one token per call.
	Bulk limit.Rate
	// StreamOpens is the rate at which a caller may open streams.
	StreamOpens limit.Rate
	// Updates is the rate of the messages a caller sends on its
	// ReportLocations streams, all of them together.
	Updates limit.Rate
	// StreamsPerResponder caps the streams a volunteer or officer (or a
	// caller without a role) holds open at once; 0 caps nothing.
	StreamsPerResponder int
	// StreamsPerUser caps the open streams of a station chief,
	// dispatcher or admin; 0 caps nothing.
	StreamsPerUser int
	// Clock returns the time for the rate limits; nil is time.Now.
	Clock func() time.Time
}

// Validate reports a rate that is not valid or a negative stream cap.
func (l Limits) Validate() error {
	for name, r := range map[string]limit.Rate{"unary": l.Unary, "bulk": l.Bulk,
		"stream opens": l.StreamOpens, "updates": l.Updates} {
		if err := r.Validate(); err != nil {
			return fmt.Errorf("%s rate limit: %w", name, err)
		}
	}
	if l.StreamsPerResponder < 0 || l.StreamsPerUser < 0 {
		return fmt.Errorf("open streams per caller: want ≥ 0, have %d and %d", l.StreamsPerResponder, l.StreamsPerUser)
	}
	return nil
}

// limiter is the interceptor of the per-caller limits: rate limits of
// each class and the caps on open streams.
type limiter struct {
	rates   [rateUpdates + 1]*limit.Buckets // by class; rateUpdates holds Updates
	streams *limit.Counter                  // nil when nothing caps them
	perResp int
	perUser int
}

// newLimiter returns the limiter of l; it panics if l is not valid (check
// Limits.Validate first).
func newLimiter(l Limits) *limiter {
	if err := l.Validate(); err != nil {
		panic("api: Limits: " + err.Error())
	}
	lim := &limiter{perResp: l.StreamsPerResponder, perUser: l.StreamsPerUser}
	opts := limit.Options{Clock: l.Clock}
	for c, r := range map[rateClass]limit.Rate{rateUnary: l.Unary, rateBulk: l.Bulk,
		rateStream: l.StreamOpens, rateUpdates: l.Updates} {
		lim.rates[c], _ = limit.NewBuckets(r, opts) // r is valid
	}
	if lim.perResp > 0 || lim.perUser > 0 {
		lim.streams = limit.NewCounter()
	}
	return lim
}

// rateNames name the classes in refusals.
var rateNames = [...]string{rateUnary: "unary calls", rateBulk: "imports and batch reports",
	rateStream: "stream opens", rateUpdates: "location updates"}

// allow takes a token of class for key, or returns the refusal.
func (l *limiter) allow(class rateClass, key string) error {
	b := l.rates[class]
	ok, retry := b.Allow(key)
	if ok {
		return nil
	}
	return &retryError{err: errRateLimited, after: retry,
		msg: fmt.Sprintf("rate limit: %s are limited to %s per caller; retry in %v",
			rateNames[class], describeRate(b.Rate()), retry.Round(time.Millisecond))}
}

// describeRate spells r for people: "10/s in bursts of up to 50".
func describeRate(r limit.Rate) string {
	rate, burst, _ := strings.Cut(r.String(), ",")
	return rate + " in bursts of up to " + burst
}

func (l *limiter) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if rateExempt(info.FullMethod) {
		return handler(ctx, req)
	}
	class := ruleOf(info.FullMethod, false).rate
	if class != rateBulk {
		class = rateUnary
	}
	key, _ := callerKey(ctx)
	if err := l.allow(class, key); err != nil {
		return nil, toStatus(err)
	}
	return handler(ctx, req)
}

func (l *limiter) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	if rateExempt(info.FullMethod) {
		return handler(srv, ss)
	}
	key, user := callerKey(ss.Context())
	if err := l.allow(rateStream, key); err != nil {
		return toStatus(err)
	}
	if l.streams != nil {
		max := l.perResp
		if user {
			max = l.perUser
		}
		if ok, held := l.streams.Acquire(key, max); !ok {
			return toStatus(fmt.Errorf("%w: the caller holds %d open streams, the most allowed; close one first",
				errTooManyStreams, held))
		}
		defer l.streams.Release(key)
	}
	if ruleOf(info.FullMethod, true).rate == rateUpdates && !l.rates[rateUpdates].Rate().Unlimited() {
		ss = &updateStream{ServerStream: ss, l: l, key: key}
	}
	return handler(srv, ss)
}

// updateStream charges each message received to the caller's Updates.
type updateStream struct {
	grpc.ServerStream
	l   *limiter
	key string
}

// RecvMsg receives a message and takes a token for it; a message over
// the limit fails the stream with RESOURCE_EXHAUSTED, unapplied.
func (s *updateStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	if err := s.l.allow(rateUpdates, s.key); err != nil {
		return toStatus(err)
	}
	return nil
}

// callerKey returns whom the limits of ctx's call are counted against:
// the principal's subject when authentication named one, else the peer's
// IP address (an IPv6 address by its /64, which one host may hold whole).
// user reports a station chief, dispatcher or admin.
func callerKey(ctx context.Context) (key string, user bool) {
	p, _ := auth.FromContext(ctx)
	user = p.Role >= auth.RoleStationChief
	if p.Subject != "" {
		return "subject:" + p.Subject, user
	}
	return "ip:" + peerIP(ctx), user
}

// peerIP returns the IP address of ctx's peer, "" if there is none.
func peerIP(ctx context.Context) string {
	pr, ok := peer.FromContext(ctx)
	if !ok || pr.Addr == nil {
		return ""
	}
	var ip net.IP
	switch a := pr.Addr.(type) {
	case *net.TCPAddr:
		ip = a.IP
	default:
		host, _, err := net.SplitHostPort(a.String())
		if err != nil {
			return a.String()
		}
		ip = net.ParseIP(host)
		if ip == nil {
			return host
		}
	}
	if ip.To4() == nil && len(ip) == net.IPv6len {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}
