package redis

import (
	"fmt"
	"strconv"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/uber/h3-go/v4"
)

// pointRecord is a WGS-84 point as [lng, lat], as in GeoJSON.
type pointRecord [2]float64

func newPointRecord(p geo.LatLng) pointRecord { return pointRecord{p.Lng, p.Lat} }
func (r pointRecord) latLng() geo.LatLng      { return geo.LatLng{Lat: r[1], Lng: r[0]} }

// polygonRecord is a polygon's outer ring and holes.
type polygonRecord struct {
	Outer []pointRecord   `json:"outer"`
	Holes [][]pointRecord `json:"holes,omitempty"`
}

func newPolygonRecord(p *geo.Polygon) *polygonRecord {
	if p == nil {
		return nil
	}
	r := &polygonRecord{Outer: newRingRecord(p.Outer)}
	for _, h := range p.Holes {
		r.Holes = append(r.Holes, newRingRecord(h))
	}
	return r
}

func (r *polygonRecord) polygon() *geo.Polygon {
	if r == nil {
		return nil
	}
	p := &geo.Polygon{Outer: ringOf(r.Outer)}
	for _, h := range r.Holes {
		p.Holes = append(p.Holes, ringOf(h))
	}
	return p
}

func newRingRecord(ring geo.Ring) []pointRecord {
	out := make([]pointRecord, len(ring))
	for i, p := range ring {
		out[i] = newPointRecord(p)
	}
	return out
}

func ringOf(r []pointRecord) geo.Ring {
	if r == nil {
		return nil
	}
	out := make(geo.Ring, len(r))
	for i, p := range r {
		out[i] = p.latLng()
	}
	return out
}

// parseCell reads a cell stored by cellHex.
func parseCell(s string) (h3.Cell, error) {
	v, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("stored cell %q: %w", s, err)
	}
	return h3.Cell(v), nil
}

type postRecord struct {
	V        int         `json:"v"`
	ID       string      `json:"id"`
	Name     string      `json:"name,omitempty"`
	Position pointRecord `json:"position"`
	Cell     string      `json:"cell"`
	Hours    [][2]int    `json:"hours,omitempty"` // [start, end) minutes since midnight
}

func (r postRecord) version() int { return r.V }

func newPostRecord(p grid.WatchPost) postRecord {
	r := postRecord{V: recordVersion, ID: p.ID, Name: p.Name,
		Position: newPointRecord(p.Position), Cell: cellHex(p.Cell)}
	for _, iv := range p.StaffedHours {
		r.Hours = append(r.Hours, [2]int{iv.Start, iv.End})
	}
	return r
}

func (r postRecord) post() (grid.WatchPost, error) {
	c, err := parseCell(r.Cell)
	p := grid.WatchPost{ID: r.ID, Name: r.Name, Position: r.Position.latLng(), Cell: c}
	for _, iv := range r.Hours {
		p.StaffedHours = append(p.StaffedHours, grid.Interval{Start: iv[0], End: iv[1]})
	}
	return p, err
}

type compoundRecord struct {
	V          int            `json:"v"`
	ID         string         `json:"id"`
	Name       string         `json:"name,omitempty"`
	Position   pointRecord    `json:"position"`
	Boundary   *polygonRecord `json:"boundary,omitempty"`
	Cell       string         `json:"cell"`
	Households int            `json:"households"`
}

func (r compoundRecord) version() int { return r.V }

func newCompoundRecord(c grid.Compound) compoundRecord {
	return compoundRecord{V: recordVersion, ID: c.ID, Name: c.Name,
		Position: newPointRecord(c.Position), Boundary: newPolygonRecord(c.Boundary),
		Cell: cellHex(c.Cell), Households: c.Households}
}

func (r compoundRecord) compound() (grid.Compound, error) {
	cell, err := parseCell(r.Cell)
	return grid.Compound{ID: r.ID, Name: r.Name, Position: r.Position.latLng(),
		Boundary: r.Boundary.polygon(), Cell: cell, Households: r.Households}, err
}
