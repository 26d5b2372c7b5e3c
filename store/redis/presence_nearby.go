package redis

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	goredis "github.com/redis/go-redis/v9"
)

// maxGeoLat is the largest latitude a GEO set holds.
const maxGeoLat = 85.05112878

// geoRadius widens a search radius for what a GEO set loses: positions are
// quantised to about 0.3 m, and Redis measures with an Earth radius 0.03 %
// larger than geo.Haversine's.
func geoRadius(r float64) float64 { return r*(1+1e-3) + 2 }

// Nearby implements presence.Store: a GEOSEARCH per travel mode in every
// shard the query's largest circle touches (usually one), all in one
// pipeline, so one round trip per Redis node, and no script. A GEO member
// carries what a candidate needs, exact (see member in
// lua/presence_record.lua); the searches' radii have a margin, and the
// members are then filtered by kind, freshness and exact distance.
func (p *Presence) Nearby(ctx context.Context, q presence.NearbyQuery,
	buf []presence.Candidate) ([]presence.Candidate, error) {
	out, err := p.nearby(ctx, q, buf)
	if err != nil {
		return buf, fail(err, "nearby")
	}
	return out, nil
}

func (p *Presence) nearby(ctx context.Context, q presence.NearbyQuery,
	buf []presence.Candidate) ([]presence.Candidate, error) {
	f, err := newMemberFilter(q)
	if err != nil || f.maxRadius == 0 || math.Abs(q.Center.Lat) > maxGeoLat {
		return buf, err // GEO sets hold nothing beyond maxGeoLat
	}
	shards, err := p.covers.shards(q.Center, f.maxRadius)
	if err != nil {
		return buf, err
	}
	cmds := make([]*goredis.StringSliceCmd, 0, len(shards)*len(q.Radius))
	modes := make([]grid.TravelMode, 0, cap(cmds))
	_, err = p.c.Pipelined(ctx, func(pl goredis.Pipeliner) error {
		for _, s := range shards {
			for mode, r := range q.Radius {
				if r > 0 {
					m := grid.TravelMode(mode)
					cmds = append(cmds, pl.GeoSearch(ctx, p.k.presGeo(s, m), &goredis.GeoSearchQuery{
						Longitude: q.Center.Lng, Latitude: q.Center.Lat, Radius: geoRadius(r), RadiusUnit: "m"}))
					modes = append(modes, m)
				}
			}
		}
		return nil
	})
	if err != nil {
		return buf, err
	}
	for i, cmd := range cmds {
		for _, m := range cmd.Val() {
			c, ok, err := f.candidate(m, modes[i])
			if err != nil {
				return buf, err
			}
			if ok {
				buf = append(buf, c)
			}
		}
	}
	return buf, nil
}

// memberFilter decides which GEO members a query returns.
type memberFilter struct {
	q         presence.NearbyQuery
	kinds     map[string]grid.ResponderKind // stored spelling → kind; nil: every kind
	fresh     time.Time
	maxRadius float64 // of the searches
}

func newMemberFilter(q presence.NearbyQuery) (memberFilter, error) {
	f := memberFilter{q: q, fresh: q.FreshSince}
	for _, r := range q.Radius {
		if r > 0 {
			f.maxRadius = max(f.maxRadius, geoRadius(r))
		}
	}
	if len(q.Kinds) > 0 {
		f.kinds = make(map[string]grid.ResponderKind, len(q.Kinds))
		for _, k := range q.Kinds {
			name, err := responderKinds.name(k)
			if err != nil {
				return f, err
			}
			f.kinds[name] = k
		}
	}
	return f, nil
}

var errBadMember = errors.New("malformed presence GEO member")

// candidate decodes member "<kind> <seen> <lat> <lng> <cell> <id>" of
// mode's set; ok is false for one the query does not want.
func (f *memberFilter) candidate(member string,
	mode grid.TravelMode) (c presence.Candidate, ok bool, err error) {
	var fields [5]string
	rest := member
	for i := range fields {
		sp := strings.IndexByte(rest, ' ')
		if sp < 0 {
			return c, false, errBadMember
		}
		fields[i], rest = rest[:sp], rest[sp+1:]
	}
	name := untoken(fields[0])
	if f.kinds != nil {
		if c.Kind, ok = f.kinds[name]; !ok {
			return c, false, nil
		}
	} else if c.Kind, err = responderKinds.value(name); err != nil {
		return c, false, err
	}
	var errs [4]error
	var seen time.Time
	seen, errs[0] = parseTime(fields[1])
	c.Position.Lat, errs[1] = strconv.ParseFloat(fields[2], 64)
	c.Position.Lng, errs[2] = strconv.ParseFloat(fields[3], 64)
	c.Cell, errs[3] = parseCell(fields[4])
	if err := errors.Join(errs[:]...); err != nil {
		return c, false, errors.Join(errBadMember, err)
	}
	c.ID, c.Mode = rest, mode
	ok = !seen.Before(f.fresh) && geo.Haversine(c.Position, f.q.Center) <= f.q.Radius[mode]
	return c, ok, nil
}
