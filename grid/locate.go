package grid

import (
	"context"
	"fmt"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/uber/h3-go/v4"
)

// LocateCells returns the cells a point's lookup consults: its cell at
// MaxResolution and that cell's ancestors down to MinResolution, finest
// first. All of them share one ShardCell.
func LocateCells(p geo.LatLng) ([MaxResolution - MinResolution + 1]h3.Cell, error) {
	var out [MaxResolution - MinResolution + 1]h3.Cell
	c, err := h3.LatLngToCell(h3.LatLng{Lat: p.Lat, Lng: p.Lng}, MaxResolution)
	if err != nil {
		return out, invalid("point", err.Error())
	}
	for i := range out {
		out[i] = parent(c, MaxResolution-i)
	}
	return out, nil
}

// Locate answers the fused lookup for a WGS-84 point: the police grid, the
// community grid and their responsibility chains.
func (s *Service) Locate(ctx context.Context, p geo.LatLng) (Location, error) {
	if err := geo.ValidateLatLng("point", p); err != nil {
		return Location{}, err
	}
	cells, err := LocateCells(p)
	if err != nil {
		return Location{}, err
	}
	police, community, err := s.store.LocateCells(ctx, cells[:])
	if err != nil {
		return Location{}, fmt.Errorf("locating a point: %w", err)
	}
	loc := Location{Point: p, Cell: cells[MaxResolution-9]}
	if loc.PoliceGrid, loc.PoliceChain, err = s.gridAndChain(ctx, Police, police); err != nil {
		return Location{}, err
	}
	if loc.CommunityGrid, loc.CommunityChain, err = s.gridAndChain(ctx, Community, community); err != nil {
		return Location{}, err
	}
	if g := loc.PoliceGrid; g != nil {
		loc.Cell = cells[MaxResolution-g.Resolution]
	}
	return loc, nil
}

func (s *Service) gridAndChain(ctx context.Context, kind Kind, id string) (*Grid, Chain, error) {
	if id == "" {
		return nil, Chain{}, nil
	}
	g, err := s.store.Grid(ctx, kind, id)
	if err != nil {
		return nil, Chain{}, fmt.Errorf("reading %s grid %q: %w", kind, id, err)
	}
	ch, err := s.chain(ctx, g)
	return &g, ch, err
}

// chain builds the "1+4+4" chain: the grid's own officers, then the chief
// of the nearest station above the grid.
func (s *Service) chain(ctx context.Context, g Grid) (Chain, error) {
	ch := Chain{GridOfficer: g.Officer, TeamLeader: g.TeamLeader, DeputyChief: g.DeputyChief}
	id := g.Unit
	for hops := 0; id != "" && hops < 8; hops++ {
		u, err := s.store.Unit(ctx, id)
		if isNotFound(err) {
			return ch, nil // a unit deleted since; the grid's own officers still stand
		}
		if err != nil {
			return ch, fmt.Errorf("reading unit %q: %w", id, err)
		}
		if u.Type == UnitStation {
			ch.StationChief = u.Head
			return ch, nil
		}
		id = u.Parent
	}
	return ch, nil
}

// GridIDs returns the IDs of the police and community grids at a WGS-84
// point ("" where none): the lookup without records and chains, for hot
// paths such as location updates.
func (s *Service) GridIDs(ctx context.Context, p geo.LatLng) (police, community string, err error) {
	cells, err := LocateCells(p)
	if err != nil {
		return "", "", err
	}
	return s.store.LocateCells(ctx, cells[:])
}
