package redis

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	goredis "github.com/redis/go-redis/v9"
)

// Dispatch is the Redis engine of package dispatch (the layout and the
// atomicity of each operation are in the package doc). Every mutation is
// one Lua script on keys of the one {dispatch} hash tag. It is safe for
// concurrent use and keeps no state of its own.
type Dispatch struct {
	c goredis.UniversalClient
	k keys
}

var _ dispatch.Store = (*Dispatch)(nil)

// NewDispatch returns the dispatch engine on opts.Client. It panics if the
// client is nil or the prefix contains '{', like New.
func NewDispatch(opts Options) *Dispatch {
	k, _ := opts.check("NewDispatch")
	return &Dispatch{c: opts.Client, k: k}
}

// The dispatch keys, all in the slot of the hash tag {dispatch}.
func (k keys) dispatch() string              { return k.p + "gw:{dispatch}" }
func (k keys) dispIncident(id string) string { return k.dispatch() + ":inc:" + id }
func (k keys) dispRequests() string          { return k.dispatch() + ":requests" }
func (k keys) dispOffers() string            { return k.dispatch() + ":offers" }
func (k keys) dispHeld() string              { return k.dispatch() + ":held" }
func (k keys) dispPending() string           { return k.dispatch() + ":pending" }
func (k keys) dispUnstaffed() string         { return k.dispatch() + ":unstaffed" }
func (k keys) dispList() string              { return k.dispatch() + ":list" }

// dispKeys returns the keys every mutation script declares, in the order
// of lua/dispatch_lib.lua.
func (k keys) dispKeys(incidentID string) []string {
	return []string{k.dispIncident(incidentID), k.dispRequests(), k.dispOffers(), k.dispHeld(),
		k.dispPending(), k.dispUnstaffed(), k.dispList()}
}

// scriptCodes maps the error codes of the scripts to the sentinel errors.
var scriptCodes = []struct {
	code string
	err  error
}{
	{"DISPATCH_NOTFOUND", dispatch.ErrNotFound},
	{"DISPATCH_CONFLICT", dispatch.ErrConflict},
	{"DISPATCH_EXPIRED", dispatch.ErrExpired},
	{"DISPATCH_BUSY", dispatch.ErrBusy},
	{"DISPATCH_TRANSITION", dispatch.ErrInvalidTransition},
	{"DISPATCH_INVALID", dispatch.ErrInvalid},
}

// scriptError turns a script's error reply into its sentinel error; any
// other error goes through fail.
func scriptError(err error, format string, args ...any) error {
	var re goredis.Error
	if errors.As(err, &re) {
		msg := re.Error()
		for _, c := range scriptCodes {
			if i := strings.Index(msg, c.code+" "); i >= 0 {
				detail := msg[i+len(c.code)+1:]
				if j := strings.Index(detail, " script:"); j >= 0 {
					detail = detail[:j]
				}
				return fmt.Errorf("%s: %s: %w", fmt.Sprintf(format, args...), detail, c.err)
			}
		}
	}
	return fail(err, format, args...)
}

// mutate runs a mutation script on an incident and returns the change.
func (d *Dispatch) mutate(ctx context.Context, s *goredis.Script, incidentID, what string, args ...any) (dispatch.Change, error) {
	res, err := s.Run(ctx, d.c, d.k.dispKeys(incidentID), args...).StringSlice()
	if err != nil {
		return dispatch.Change{}, scriptError(err, "%s on incident %q", what, incidentID)
	}
	if len(res) != 3 || res[0] != "ok" {
		return dispatch.Change{}, fmt.Errorf("redis: %s on incident %q: unexpected reply %q", what, incidentID, res)
	}
	n, err := strconv.Atoi(res[1])
	if err != nil {
		return dispatch.Change{}, fmt.Errorf("redis: %s on incident %q: reply %q: %w", what, incidentID, res[1], err)
	}
	inc, err := decodeIncident(res[2])
	if err != nil {
		return dispatch.Change{}, fmt.Errorf("redis: %s: %w", what, err)
	}
	if n > len(inc.Timeline) {
		n = len(inc.Timeline)
	}
	return dispatch.Change{Incident: inc, Events: slices.Clone(inc.Timeline[n:])}, nil
}

// offerIncident returns the incident of an offer. The offer index is
// written once, with the offer, and never changes, so reading it before
// the script is safe; the script finds the offer in the record again.
func (d *Dispatch) offerIncident(ctx context.Context, offerID string) (string, error) {
	id, err := d.c.HGet(ctx, d.k.dispOffers(), offerID).Result()
	switch {
	case errors.Is(err, goredis.Nil):
		return "", fmt.Errorf("offer %q: %w", offerID, dispatch.ErrNotFound)
	case err != nil:
		return "", fail(err, "read offer %q", offerID)
	}
	return id, nil
}

// CreateIncident implements dispatch.Store.
func (d *Dispatch) CreateIncident(ctx context.Context, inc dispatch.Incident) (dispatch.Incident, bool, error) {
	if inc.ID == "" || strings.Contains(inc.ID, "\x00") {
		return dispatch.Incident{}, false, fmt.Errorf("incident id %q: empty or with a NUL: %w", inc.ID, dispatch.ErrInvalid)
	}
	rec, err := encodeNewIncident(inc)
	if err != nil {
		return dispatch.Incident{}, false, fmt.Errorf("incident %q: %w", inc.ID, err)
	}
	res, err := dispCreate.Run(ctx, d.c, d.k.dispKeys(inc.ID), rec, inc.RequestID, listMember(inc)).StringSlice()
	if err != nil {
		return dispatch.Incident{}, false, scriptError(err, "create incident %q", inc.ID)
	}
	if len(res) == 2 && res[0] == "exists" {
		got, err := d.Incident(ctx, res[1])
		return got, false, err
	}
	got, err := decodeIncident(rec)
	if err != nil {
		return dispatch.Incident{}, false, fmt.Errorf("redis: create incident: %w", err)
	}
	return got, true, nil
}

// Incident implements dispatch.Store.
func (d *Dispatch) Incident(ctx context.Context, id string) (dispatch.Incident, error) {
	s, err := d.c.Get(ctx, d.k.dispIncident(id)).Result()
	switch {
	case errors.Is(err, goredis.Nil):
		return dispatch.Incident{}, fmt.Errorf("incident %q: %w", id, dispatch.ErrNotFound)
	case err != nil:
		return dispatch.Incident{}, fail(err, "read incident %q", id)
	}
	inc, err := decodeIncident(s)
	if err != nil {
		return dispatch.Incident{}, fmt.Errorf("redis: %w", err)
	}
	return inc, nil
}

// incidents reads several incidents (one MGET on the one slot); missing
// ones are skipped.
func (d *Dispatch) incidents(ctx context.Context, ids []string) ([]dispatch.Incident, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = d.k.dispIncident(id)
	}
	vals, err := d.c.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, fail(err, "read incidents")
	}
	var out []dispatch.Incident
	for _, v := range vals {
		s, ok := v.(string)
		if !ok {
			continue
		}
		inc, err := decodeIncident(s)
		if err != nil {
			return nil, fmt.Errorf("redis: %w", err)
		}
		out = append(out, inc)
	}
	return out, nil
}

// PendingOffers implements dispatch.Store: the deadline index (scored in
// Unix milliseconds) names the candidates, their incidents have the exact
// deadlines.
func (d *Dispatch) PendingOffers(ctx context.Context, before time.Time) ([]dispatch.Offer, error) {
	ids, err := d.c.ZRangeByScore(ctx, d.k.dispPending(), &goredis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(before.UnixMilli(), 10)}).Result()
	if err != nil {
		return nil, fail(err, "read pending offers")
	}
	if len(ids) == 0 {
		return nil, nil
	}
	incIDs, err := d.c.HMGet(ctx, d.k.dispOffers(), ids...).Result()
	if err != nil {
		return nil, fail(err, "read pending offers")
	}
	want := make(map[string]bool, len(ids))
	var uniq []string
	for i, v := range incIDs {
		if s, ok := v.(string); ok {
			want[ids[i]] = true
			if !slices.Contains(uniq, s) {
				uniq = append(uniq, s)
			}
		}
	}
	incs, err := d.incidents(ctx, uniq)
	if err != nil {
		return nil, err
	}
	var out []dispatch.Offer
	for _, inc := range incs {
		for _, o := range inc.Offers {
			if want[o.ID] && o.State == dispatch.OfferPending && !o.ExpiresAt.After(before) {
				out = append(out, o)
			}
		}
	}
	slices.SortFunc(out, func(a, b dispatch.Offer) int {
		return cmp.Or(a.ExpiresAt.Compare(b.ExpiresAt), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// Unstaffed implements dispatch.Store: the index, kept by every script,
// sorts by creation time, then id.
func (d *Dispatch) Unstaffed(ctx context.Context) ([]string, error) {
	members, err := d.c.ZRange(ctx, d.k.dispUnstaffed(), 0, -1).Result()
	if err != nil {
		return nil, fail(err, "read unstaffed incidents")
	}
	var ids []string
	for _, m := range members {
		ids = append(ids, unstaffedID(m))
	}
	return ids, nil
}

// AssignmentOf implements dispatch.Store: the responder index names the
// incident, whose record has the assignment.
func (d *Dispatch) AssignmentOf(ctx context.Context, responderID string) (dispatch.Assignment, error) {
	notFound := fmt.Errorf("assignment of responder %q: %w", responderID, dispatch.ErrNotFound)
	id, err := d.c.HGet(ctx, d.k.dispHeld(), responderID).Result()
	switch {
	case errors.Is(err, goredis.Nil):
		return dispatch.Assignment{}, notFound
	case err != nil:
		return dispatch.Assignment{}, fail(err, "read assignment of %q", responderID)
	}
	inc, err := d.Incident(ctx, id)
	if errors.Is(err, dispatch.ErrNotFound) {
		return dispatch.Assignment{}, notFound
	} else if err != nil {
		return dispatch.Assignment{}, err
	}
	for _, a := range inc.Assignments {
		if a.ResponderID == responderID && a.Current() {
			return a, nil
		}
	}
	return dispatch.Assignment{}, notFound
}
