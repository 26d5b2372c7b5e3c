package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
)

// Dispatch implements dispatch.Store in memory. One RWMutex guards it, so
// each call is one atomic step; the mutations are in dispatch_ops.go.
// Incidents stay until the process ends; the active ones (dispatching,
// assigned, on scene) are indexed for the deadline and staffing scans, and
// all of them in listing order (dispatch_list.go).
type Dispatch struct {
	mu        sync.RWMutex
	incidents map[string]*dispatch.Incident
	byRequest map[string]string // request id → incident id
	offers    map[string]string // offer id → incident id
	held      map[string]string // responder id → incident id of the current assignment
	active    map[string]*dispatch.Incident
	// listed holds every incident in reverse listing order (oldest first,
	// ties by id descending), so a new incident is usually appended;
	// ListIncidents walks it from the end.
	listed []*dispatch.Incident
}

var _ dispatch.Store = (*Dispatch)(nil)

// NewDispatch returns an empty store.
func NewDispatch() *Dispatch {
	return &Dispatch{incidents: map[string]*dispatch.Incident{}, byRequest: map[string]string{},
		offers: map[string]string{}, held: map[string]string{}, active: map[string]*dispatch.Incident{}}
}

// CreateIncident implements dispatch.Store.
func (m *Dispatch) CreateIncident(ctx context.Context, inc dispatch.Incident) (dispatch.Incident, bool, error) {
	if err := ctx.Err(); err != nil {
		return dispatch.Incident{}, false, err
	}
	if inc.ID == "" {
		return dispatch.Incident{}, false, fmt.Errorf("incident id: required: %w", dispatch.ErrInvalid)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if id, ok := m.byRequest[inc.RequestID]; ok && inc.RequestID != "" {
		return cloneIncident(m.incidents[id]), false, nil
	}
	if _, ok := m.incidents[inc.ID]; ok {
		return dispatch.Incident{}, false, fmt.Errorf("incident %q exists: %w", inc.ID, dispatch.ErrConflict)
	}
	c := cloneIncident(&inc)
	c.State = dispatch.StateNew
	c.Offers, c.Assignments, c.Timeline = nil, nil, nil
	for i := range c.Slots {
		c.Slots[i].Index, c.Slots[i].State, c.Slots[i].Assignee = i, dispatch.SlotOpen, ""
	}
	addEvent(&c, dispatch.Event{At: c.CreatedAt, Type: dispatch.EventCreated, Actor: dispatch.ActorSystem, Slot: -1})
	m.incidents[c.ID] = &c
	m.list(&c)
	if c.RequestID != "" {
		m.byRequest[c.RequestID] = c.ID
	}
	return cloneIncident(&c), true, nil
}

// Incident implements dispatch.Store.
func (m *Dispatch) Incident(ctx context.Context, id string) (dispatch.Incident, error) {
	if err := ctx.Err(); err != nil {
		return dispatch.Incident{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	inc, ok := m.incidents[id]
	if !ok {
		return dispatch.Incident{}, fmt.Errorf("incident %q: %w", id, dispatch.ErrNotFound)
	}
	return cloneIncident(inc), nil
}

// PendingOffers implements dispatch.Store.
func (m *Dispatch) PendingOffers(ctx context.Context, before time.Time) ([]dispatch.Offer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []dispatch.Offer
	for _, inc := range m.active {
		for _, o := range inc.Offers {
			if o.State == dispatch.OfferPending && !o.ExpiresAt.After(before) {
				out = append(out, o)
			}
		}
	}
	slices.SortFunc(out, func(a, b dispatch.Offer) int {
		return cmp.Or(a.ExpiresAt.Compare(b.ExpiresAt), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// Unstaffed implements dispatch.Store.
func (m *Dispatch) Unstaffed(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	var found []*dispatch.Incident
	for _, inc := range m.active {
		if slices.ContainsFunc(inc.Slots, func(s dispatch.Slot) bool { return s.State == dispatch.SlotOpen }) {
			found = append(found, inc)
		}
	}
	slices.SortFunc(found, func(a, b *dispatch.Incident) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	ids := make([]string, len(found))
	for i, inc := range found {
		ids[i] = inc.ID
	}
	return ids, nil
}

// AssignmentOf implements dispatch.Store.
func (m *Dispatch) AssignmentOf(ctx context.Context, responderID string) (dispatch.Assignment, error) {
	if err := ctx.Err(); err != nil {
		return dispatch.Assignment{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if id, ok := m.held[responderID]; ok {
		if i := currentAssignment(m.incidents[id], responderID); i >= 0 {
			return m.incidents[id].Assignments[i], nil
		}
	}
	return dispatch.Assignment{}, fmt.Errorf("assignment of responder %q: %w", responderID, dispatch.ErrNotFound)
}

// mutate runs fn on the incident under the lock and returns the change.
// fn checks everything before it changes anything, so a failed call
// changes nothing.
func (m *Dispatch) mutate(ctx context.Context, id string, fn func(inc *dispatch.Incident) error) (dispatch.Change, error) {
	if err := ctx.Err(); err != nil {
		return dispatch.Change{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.apply(id, fn)
}

// mutateOffer is mutate on the incident of an offer; fn gets the offer's
// index.
func (m *Dispatch) mutateOffer(ctx context.Context, offerID string, fn func(inc *dispatch.Incident, oi int) error) (dispatch.Change, error) {
	if err := ctx.Err(); err != nil {
		return dispatch.Change{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.offers[offerID]
	if !ok {
		return dispatch.Change{}, fmt.Errorf("offer %q: %w", offerID, dispatch.ErrNotFound)
	}
	return m.apply(id, func(inc *dispatch.Incident) error { return fn(inc, findOffer(inc, offerID)) })
}

// apply runs fn on the incident and keeps the active index; m.mu is held.
func (m *Dispatch) apply(id string, fn func(inc *dispatch.Incident) error) (dispatch.Change, error) {
	inc, ok := m.incidents[id]
	if !ok {
		return dispatch.Change{}, fmt.Errorf("incident %q: %w", id, dispatch.ErrNotFound)
	}
	n := len(inc.Timeline)
	if err := fn(inc); err != nil {
		return dispatch.Change{}, err
	}
	if inc.State.Active() {
		m.active[id] = inc
	} else {
		delete(m.active, id)
	}
	return dispatch.Change{Incident: cloneIncident(inc), Events: slices.Clone(inc.Timeline[n:])}, nil
}

// cloneIncident deep-copies an incident.
func cloneIncident(inc *dispatch.Incident) dispatch.Incident {
	c := *inc
	c.Slots = slices.Clone(inc.Slots)
	for i := range c.Slots {
		c.Slots[i].Kinds = slices.Clone(c.Slots[i].Kinds)
	}
	c.Offers = slices.Clone(inc.Offers)
	c.Assignments = slices.Clone(inc.Assignments)
	c.Timeline = slices.Clone(inc.Timeline)
	return c
}

// addEvent numbers ev and appends it to the timeline.
func addEvent(inc *dispatch.Incident, ev dispatch.Event) {
	ev.Seq = len(inc.Timeline) + 1
	inc.Timeline = append(inc.Timeline, ev)
}

// currentAssignment returns the index of the responder's current
// assignment on inc, or -1.
func currentAssignment(inc *dispatch.Incident, responderID string) int {
	for i, a := range inc.Assignments {
		if a.ResponderID == responderID && a.Current() {
			return i
		}
	}
	return -1
}

// findOffer returns the index of an offer on inc, or -1.
func findOffer(inc *dispatch.Incident, offerID string) int {
	return slices.IndexFunc(inc.Offers, func(o dispatch.Offer) bool { return o.ID == offerID })
}
