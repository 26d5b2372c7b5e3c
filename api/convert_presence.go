package api

import (
	"strconv"

	"github.com/uber/h3-go/v4"
	"google.golang.org/protobuf/types/known/timestamppb"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/presence"
)

// coarseResolution is the resolution of the cells shown to callers who may
// not see positions: about 5 km² a cell.
const coarseResolution = 7

var statuses = enumMap[presence.Status, gridwatchv1.ResponderStatus]{
	presence.OffDuty:   gridwatchv1.ResponderStatus_RESPONDER_STATUS_OFF_DUTY,
	presence.Available: gridwatchv1.ResponderStatus_RESPONDER_STATUS_AVAILABLE,
	presence.Busy:      gridwatchv1.ResponderStatus_RESPONDER_STATUS_BUSY,
}

// shiftToProto returns the shift of an on-shift record.
func shiftToProto(r presence.Record) *gridwatchv1.Shift {
	s := &gridwatchv1.Shift{
		Responder: resourceName(responders, r.ID),
		Status:    statuses.toProto(r.Status),
	}
	if !r.ShiftStart.IsZero() {
		s.StartTime = timestamppb.New(r.ShiftStart)
	}
	return s
}

// endedShiftToProto returns the shift of a record EndShift dropped.
func endedShiftToProto(r presence.Record) *gridwatchv1.Shift {
	s := shiftToProto(r)
	s.Status = gridwatchv1.ResponderStatus_RESPONDER_STATUS_OFF_DUTY
	return s
}

// circlesToProto returns the response circles as role may see them: only
// dispatchers get positions and resolution-8 cells, everyone else the
// resolution-7 parent cells. The messages of all responders share two
// allocations, and their names and cells one string.
func circlesToProto(cs []presence.Circle, role Role) *gridwatchv1.FindRespondersResponse {
	n := 0
	for _, c := range cs {
		n += len(c.Responders)
	}
	precise := role.SeesPositions()
	entries := make([]gridwatchv1.RankedResponder, n)
	var positions []gridwatchv1.LatLng
	if precise {
		positions = make([]gridwatchv1.LatLng, n)
	}
	text := newRankedText(cs, n, precise)
	resp := &gridwatchv1.FindRespondersResponse{Circles: make([]*gridwatchv1.ResponseCircle, len(cs))}
	k := 0
	for i, c := range cs {
		rc := &gridwatchv1.ResponseCircle{
			MaxEtaSeconds: int32(c.MaxETASeconds),
			Responders:    make([]*gridwatchv1.RankedResponder, len(c.Responders)),
		}
		for j, r := range c.Responders {
			m := &entries[k]
			m.Responder, m.Cell = text.name(k), text.cell(k)
			m.Kind = responderKindToProto(r.Kind)
			m.TravelMode = travelModeToProto(r.Mode)
			m.EtaSeconds = r.ETASeconds
			m.DistanceM = r.DistanceM
			if precise {
				positions[k] = gridwatchv1.LatLng{Latitude: r.Position.Lat, Longitude: r.Position.Lng}
				m.Position = &positions[k]
			}
			rc.Responders[j] = m
			k++
		}
		resp.Circles[i] = rc
	}
	return resp
}

// rankedText is the names and cells of ranked responders in one string:
// responder k's name is s[ends[2k-1]:ends[2k]] and its cell the next span
// (ends[-1] being 0).
type rankedText struct {
	s    string
	ends []int
}

// newRankedText writes the names and the cells, coarsened unless precise,
// of cs's n responders in order.
func newRankedText(cs []presence.Circle, n int, precise bool) rankedText {
	// "responders/" + a typical id + a 15-digit cell.
	b := make([]byte, 0, n*(len(responders)+1+8+15))
	ends := make([]int, 0, 2*n)
	for _, c := range cs {
		for _, r := range c.Responders {
			if r.ID != "" {
				b = append(append(b, responders+"/"...), r.ID...)
			}
			ends = append(ends, len(b))
			cell := r.Cell
			if !precise {
				cell = coarseCell(cell)
			}
			if cell != 0 {
				b = strconv.AppendUint(b, uint64(cell), 16)
			}
			ends = append(ends, len(b))
		}
	}
	return rankedText{s: string(b), ends: ends}
}

// span returns the i-th span of t.s.
func (t rankedText) span(i int) string {
	start := 0
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.s[start:t.ends[i]]
}

func (t rankedText) name(k int) string { return t.span(2 * k) }
func (t rankedText) cell(k int) string { return t.span(2*k + 1) }

// coarseCell returns the resolution-7 parent of c, or 0 if c is not a
// valid cell at resolution 7 or finer: a cell that cannot be coarsened is
// not shown at all.
func coarseCell(c h3.Cell) h3.Cell {
	if c == 0 || !c.IsValid() || c.Resolution() < coarseResolution {
		return 0
	}
	p, err := c.Parent(coarseResolution)
	if err != nil {
		return 0
	}
	return p
}

// ownGridToProto returns d as a message.
func ownGridToProto(d presence.OwnGridDay) *gridwatchv1.OwnGridTime {
	return &gridwatchv1.OwnGridTime{
		Responder:      resourceName(responders, d.ResponderID),
		Day:            d.Day,
		OnShiftSeconds: d.OnShiftS,
		InsideSeconds:  d.InsideS,
		Share:          d.Share(),
	}
}
