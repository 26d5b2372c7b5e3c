package redis

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/geo"
	"github.com/uber/h3-go/v4"
)

// dispatchVersion is the format version of stored incident records.
const dispatchVersion = 1

// incidentRec is the stored record of an incident: one JSON string that
// the scripts decode, change and encode with cjson. What the scripts never
// change sits in head, a JSON document in a string, so that its floats and
// texts pass through Lua untouched. The states and event types of the
// mutable part are numbers, the codes below (the scripts' constants).
// Times are Unix nanoseconds in decimal strings ("" for the zero time), so
// that they survive Lua's doubles; the scripts compare them as strings.
// Empty arrays are left out (cjson would write an empty table as {}).
type incidentRec struct {
	V      int        `json:"v"`
	ID     string     `json:"id"`
	UK     string     `json:"uk"` // member of the unstaffed index
	Head   string     `json:"head"`
	State  int        `json:"state"`
	Slots  []slotRec  `json:"slots,omitempty"`
	Offers []offerRec `json:"offers,omitempty"`
	Asg    []asgRec   `json:"asg,omitempty"`
	TL     []eventRec `json:"tl,omitempty"`
}

// headRec is what never changes after CreateIncident.
type headRec struct {
	Request     string     `json:"req,omitempty"`
	Category    string     `json:"cat,omitempty"`
	Severity    int        `json:"sev,omitempty"`
	Position    [2]float64 `json:"pos"` // [lng, lat] as in GeoJSON
	Cell        string     `json:"cell,omitempty"`
	Address     string     `json:"addr,omitempty"`
	Description string     `json:"desc,omitempty"`
	Source      string     `json:"src,omitempty"`
	CallerHash  string     `json:"caller,omitempty"`
	CreatedAt   string     `json:"created"`
	Kinds       [][]string `json:"kinds"` // per slot
}

type slotRec struct {
	Circle int    `json:"c"`
	State  int    `json:"st"`
	Who    string `json:"who"`
}

type offerRec struct {
	ID        string `json:"id"`
	Slot      int    `json:"s"`
	Responder string `json:"r"`
	Circle    int    `json:"c"`
	At        string `json:"at"`
	Expires   string `json:"exp"`
	State     int    `json:"st"`
	Closed    string `json:"cl"`
}

// asgRec is an assignment; time to scene and target met are derived from
// the arrival and the target (ns) when read.
type asgRec struct {
	Responder string `json:"r"`
	Slot      int    `json:"s"`
	Circle    int    `json:"c"`
	Manual    int    `json:"m"`
	Offer     string `json:"o"`
	Accepted  string `json:"acc"`
	Arrived   string `json:"arr"`
	Target    string `json:"tgt"`
	Released  string `json:"rel"`
	Withdrawn int    `json:"wd"`
}

type eventRec struct {
	At        string `json:"at"`
	Type      int    `json:"t"`
	Actor     string `json:"a"`
	Responder string `json:"r"`
	Slot      int    `json:"s"`
	Offer     string `json:"o"`
	From      int    `json:"f"`
	To        int    `json:"to"`
	Note      string `json:"n"`
}

// The codes of the mutable part. They are this package's own, spelled out
// so that renumbering the domain enums cannot change the stored format;
// the scripts' constants in lua/dispatch_lib.lua must match.
var (
	incidentStateCodes = map[dispatch.State]int{dispatch.StateNew: 1, dispatch.StateDispatching: 2,
		dispatch.StateAssigned: 3, dispatch.StateOnScene: 4, dispatch.StateResolved: 5,
		dispatch.StateClosed: 6, dispatch.StateCancelled: 7}
	slotStateCodes = map[dispatch.SlotState]int{dispatch.SlotOpen: 1, dispatch.SlotOffered: 2,
		dispatch.SlotFilled: 3, dispatch.SlotExhausted: 4}
	offerStateCodes = map[dispatch.OfferState]int{dispatch.OfferPending: 1, dispatch.OfferAccepted: 2,
		dispatch.OfferDeclined: 3, dispatch.OfferLapsed: 4, dispatch.OfferWithdrawn: 5, dispatch.OfferRevoked: 6}
	eventTypeCodes = map[dispatch.EventType]int{dispatch.EventCreated: 1, dispatch.EventTransition: 2,
		dispatch.EventOffered: 3, dispatch.EventAccepted: 4, dispatch.EventDeclined: 5,
		dispatch.EventLapsed: 6, dispatch.EventRevoked: 7, dispatch.EventAssigned: 8,
		dispatch.EventWithdrawn: 9, dispatch.EventReleased: 10, dispatch.EventArrived: 11,
		dispatch.EventWidened: 12, dispatch.EventExhausted: 13}
	incidentStates = invert(incidentStateCodes)
	slotStates     = invert(slotStateCodes)
	offerStates    = invert(offerStateCodes)
	eventTypes     = invert(eventTypeCodes)
)

func invert[E comparable](m map[E]int) map[int]E {
	out := make(map[int]E, len(m))
	for e, c := range m {
		out[c] = e
	}
	return out
}

var sources = newEnumNames("source", map[dispatch.Source]string{
	dispatch.SourceUnspecified: "",
	dispatch.SourceCall110:     "call_110",
	dispatch.SourceConsole:     "console",
	dispatch.SourceVolunteer:   "volunteer",
	dispatch.SourcePatrol:      "patrol",
})

// nsOf spells a time as Unix nanoseconds, "" for the zero time.
func nsOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.UnixNano(), 10)
}

// timeOf reads what nsOf spelled.
func timeOf(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return time.Unix(0, n), nil
}

// unstaffedMember is the member of the unstaffed index: the creation time
// as an offset-binary 20-digit number, then the id, so that the index
// sorts oldest first, then by id.
func unstaffedMember(inc dispatch.Incident) string {
	return fmt.Sprintf("%020d:%s", uint64(inc.CreatedAt.UnixNano())^(1<<63), inc.ID)
}

// unstaffedID returns the incident id of an unstaffed member.
func unstaffedID(m string) string {
	if len(m) > 21 {
		return m[21:]
	}
	return ""
}

// encodeNewIncident returns the record of a new incident: state new, its
// slots open and one created event.
func encodeNewIncident(inc dispatch.Incident) (string, error) {
	head, err := headOf(&inc)
	if err != nil {
		return "", err
	}
	r := incidentRec{V: dispatchVersion, ID: inc.ID, UK: unstaffedMember(inc), Head: head,
		State: incidentStateCodes[dispatch.StateNew]}
	for _, s := range inc.Slots {
		r.Slots = append(r.Slots, slotRec{Circle: s.Circle, State: slotStateCodes[dispatch.SlotOpen]})
	}
	r.TL = []eventRec{{At: nsOf(inc.CreatedAt), Type: eventTypeCodes[dispatch.EventCreated],
		Actor: dispatch.ActorSystem, Slot: -1}}
	b, err := json.Marshal(r)
	return string(b), err
}

// headOf returns the JSON of what never changes in inc.
func headOf(inc *dispatch.Incident) (string, error) {
	src, err := sources.name(inc.Source)
	if err != nil {
		return "", err
	}
	h := headRec{Request: inc.RequestID, Category: inc.Category, Severity: inc.Severity,
		Position: [2]float64{inc.Position.Lng, inc.Position.Lat}, Address: inc.Address,
		Description: inc.Description, Source: src, CallerHash: inc.CallerHash, CreatedAt: nsOf(inc.CreatedAt),
		Kinds: make([][]string, len(inc.Slots))}
	if inc.Cell != 0 {
		h.Cell = cellHex(inc.Cell)
	}
	for i, s := range inc.Slots {
		h.Kinds[i] = []string{}
		for _, k := range s.Kinds {
			n, err := responderKinds.name(k)
			if err != nil {
				return "", fmt.Errorf("slots[%d].kinds: %w", i, err)
			}
			h.Kinds[i] = append(h.Kinds[i], n)
		}
	}
	head, err := json.Marshal(h)
	return string(head), err
}

// recordOf returns the whole of inc as a record that incidentRec.incident reads
// back equal (the event bus sends it; the stores never write it: UK is
// left empty). A record keeps an assignment's target, not whether it was
// met, so Target is the time to scene when met, else -1: read back, the
// comparison gives the same TargetMet. Slots must be in index order, and
// TimeToScene what every engine derives (ArrivedAt - CreatedAt, at
// least 0).
func recordOf(inc *dispatch.Incident) (incidentRec, error) {
	head, err := headOf(inc)
	if err != nil {
		return incidentRec{}, err
	}
	r := incidentRec{V: dispatchVersion, ID: inc.ID, Head: head, State: incidentStateCodes[inc.State]}
	for _, s := range inc.Slots {
		r.Slots = append(r.Slots, slotRec{Circle: s.Circle, State: slotStateCodes[s.State], Who: s.Assignee})
	}
	for _, o := range inc.Offers {
		r.Offers = append(r.Offers, offerRec{ID: o.ID, Slot: o.SlotIndex, Responder: o.ResponderID,
			Circle: o.Circle, At: nsOf(o.OfferedAt), Expires: nsOf(o.ExpiresAt), State: offerStateCodes[o.State],
			Closed: nsOf(o.ClosedAt)})
	}
	for _, a := range inc.Assignments {
		ar := asgRec{Responder: a.ResponderID, Slot: a.SlotIndex, Circle: a.Circle, Manual: b2i(a.Manual),
			Offer: a.OfferID, Accepted: nsOf(a.AcceptedAt), Arrived: nsOf(a.ArrivedAt), Released: nsOf(a.ReleasedAt),
			Withdrawn: b2i(a.Withdrawn)}
		if !a.ArrivedAt.IsZero() {
			tgt := int64(-1)
			if a.TargetMet {
				tgt = int64(max(0, a.ArrivedAt.Sub(inc.CreatedAt)))
			}
			ar.Target = strconv.FormatInt(tgt, 10)
		}
		r.Asg = append(r.Asg, ar)
	}
	for _, e := range inc.Timeline {
		r.TL = append(r.TL, eventRecOf(e))
	}
	return r, nil
}

// eventRecOf returns the record of an event (its Seq is its place).
func eventRecOf(e dispatch.Event) eventRec {
	return eventRec{At: nsOf(e.At), Type: eventTypeCodes[e.Type], Actor: e.Actor, Responder: e.ResponderID,
		Slot: e.Slot, Offer: e.OfferID, From: incidentStateCodes[e.From], To: incidentStateCodes[e.To], Note: e.Note}
}

// eventOf reads the record of the event numbered seq.
func (d *decoder) eventOf(seq int, e eventRec) dispatch.Event {
	return dispatch.Event{Seq: seq, At: d.time(e.At), Type: eventTypes[e.Type], Actor: e.Actor,
		ResponderID: e.Responder, Slot: e.Slot, OfferID: e.Offer, From: incidentStates[e.From],
		To: incidentStates[e.To], Note: e.Note}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// decodeIncident reads a stored record.
func decodeIncident(s string) (dispatch.Incident, error) {
	var r incidentRec
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return dispatch.Incident{}, fmt.Errorf("stored incident: %w", err)
	}
	return r.incident()
}

// incident reads the record.
func (r incidentRec) incident() (dispatch.Incident, error) {
	if r.V != dispatchVersion {
		return dispatch.Incident{}, fmt.Errorf("stored incident %q: format version %d unknown", r.ID, r.V)
	}
	var h headRec
	if err := json.Unmarshal([]byte(r.Head), &h); err != nil {
		return dispatch.Incident{}, fmt.Errorf("stored incident %q: %w", r.ID, err)
	}
	d := decoder{}
	inc := dispatch.Incident{ID: r.ID, RequestID: h.Request, Category: h.Category, Severity: h.Severity,
		Position: geo.LatLng{Lat: h.Position[1], Lng: h.Position[0]}, Address: h.Address,
		Description: h.Description, CallerHash: h.CallerHash, State: incidentStates[r.State],
		CreatedAt: d.time(h.CreatedAt)}
	if h.Cell != "" {
		c, err := strconv.ParseUint(h.Cell, 16, 64)
		d.check(err)
		inc.Cell = h3.Cell(c)
	}
	src, err := sources.value(h.Source)
	d.check(err)
	inc.Source = src
	inc.Slots = d.slots(r.Slots, h.Kinds)
	for _, o := range r.Offers {
		inc.Offers = append(inc.Offers, dispatch.Offer{ID: o.ID, IncidentID: r.ID, SlotIndex: o.Slot,
			ResponderID: o.Responder, Circle: o.Circle, OfferedAt: d.time(o.At), ExpiresAt: d.time(o.Expires),
			State: offerStates[o.State], ClosedAt: d.time(o.Closed)})
	}
	for _, a := range r.Asg {
		inc.Assignments = append(inc.Assignments, d.assignment(a, r.ID, inc.CreatedAt))
	}
	for i, e := range r.TL {
		inc.Timeline = append(inc.Timeline, d.eventOf(i+1, e))
	}
	if d.err != nil {
		return dispatch.Incident{}, fmt.Errorf("stored incident %q: %w", r.ID, d.err)
	}
	return inc, nil
}

// decoder keeps the first error of a record's fields.
type decoder struct{ err error }

// slots reads the slots of a record and, for each, its kinds.
func (d *decoder) slots(recs []slotRec, kinds [][]string) []dispatch.Slot {
	if len(kinds) != len(recs) {
		d.check(fmt.Errorf("%d slots with %d kind lists", len(recs), len(kinds)))
	}
	var out []dispatch.Slot
	for i, s := range recs {
		sl := dispatch.Slot{Index: i, Circle: s.Circle, State: slotStates[s.State], Assignee: s.Who}
		if i < len(kinds) {
			for _, n := range kinds[i] {
				k, err := responderKinds.value(n)
				d.check(err)
				sl.Kinds = append(sl.Kinds, k)
			}
		}
		out = append(out, sl)
	}
	return out
}

// assignment reads an assignment of incident id, created at created.
func (d *decoder) assignment(a asgRec, id string, created time.Time) dispatch.Assignment {
	as := dispatch.Assignment{ResponderID: a.Responder, IncidentID: id, SlotIndex: a.Slot,
		Circle: a.Circle, Manual: a.Manual != 0, OfferID: a.Offer, AcceptedAt: d.time(a.Accepted),
		ArrivedAt: d.time(a.Arrived), ReleasedAt: d.time(a.Released), Withdrawn: a.Withdrawn != 0}
	if !as.ArrivedAt.IsZero() {
		tgt, err := strconv.ParseInt(a.Target, 10, 64)
		d.check(err)
		as.TimeToScene = max(0, as.ArrivedAt.Sub(created))
		as.TargetMet = as.TimeToScene <= time.Duration(tgt)
	}
	return as
}

func (d *decoder) check(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *decoder) time(s string) time.Time {
	t, err := timeOf(s)
	d.check(err)
	return t
}
