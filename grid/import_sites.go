package grid

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/uber/h3-go/v4"
)

// site is what posts and compounds share in an import row or feature.
type site struct {
	field    string // names the row or feature in errors
	id, name string
	pos      geo.LatLng // WGS-84
	boundary *geo.Polygon
	attrs    func(key string) (string, error)
}

// readSites decodes posts or compounds from CSV (id,name,lat,lng plus the
// extra columns) or from GeoJSON Point (or, if polygons, Polygon) features.
func readSites(up Upload, extra []string, polygons bool) ([]site, error) {
	var sites []site
	var err error
	if up.format() == FormatGeoJSON {
		sites, err = sitesFromGeoJSON(up, polygons)
	} else {
		sites, err = sitesFromCSV(up, extra)
	}
	if err != nil {
		return nil, err
	}
	if err := emptyCheck(len(sites)); err != nil {
		return nil, err
	}
	seen := dupCheck{}
	for _, s := range sites {
		if err := CheckID(s.field+" id", s.id); err != nil {
			return nil, err
		}
		if err := seen.add(s.field+" id", s.id); err != nil {
			return nil, err
		}
	}
	return sites, nil
}

func sitesFromCSV(up Upload, extra []string) ([]site, error) {
	t, err := readCSV(up.Data, []string{"id", "lat", "lng"}, append([]string{"name"}, extra...))
	if err != nil {
		return nil, err
	}
	out := make([]site, len(t.rows))
	for i := range t.rows {
		p, err := parseLatLng(t, i)
		if err != nil {
			return nil, err
		}
		row := i
		out[i] = site{field: fmt.Sprintf("line %d", t.lines[i]), id: t.get(i, "id"), name: t.get(i, "name"),
			pos:   geo.ToWGS84(up.Datum, p),
			attrs: func(key string) (string, error) { return t.get(row, key), nil }}
	}
	return out, nil
}

func parseLatLng(t *table, i int) (geo.LatLng, error) {
	var p geo.LatLng
	for _, c := range []struct {
		col string
		dst *float64
	}{{"lat", &p.Lat}, {"lng", &p.Lng}} {
		v, err := strconv.ParseFloat(t.get(i, c.col), 64)
		if err != nil {
			return p, invalid(t.field(i, c.col), fmt.Sprintf("%q is not a number", t.get(i, c.col)))
		}
		*c.dst = v
	}
	return p, geo.ValidateLatLng(fmt.Sprintf("line %d", t.lines[i]), p)
}

func sitesFromGeoJSON(up Upload, polygons bool) ([]site, error) {
	feats, err := geo.DecodeFeatureCollection(up.Data, geo.DecodeOptions{})
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	out := make([]site, len(feats))
	for i, f := range feats {
		s := site{field: fmt.Sprintf("features[%d]", f.Index),
			attrs: func(key string) (string, error) { return prop(f, key) }}
		if s.id, err = featureID(f); err != nil {
			return nil, err
		}
		if s.name, err = prop(f, "name"); err != nil {
			return nil, err
		}
		switch {
		case f.Geometry.Type == "Point":
			s.pos = geo.ToWGS84(up.Datum, f.Geometry.Point)
		case polygons && f.Geometry.Type == "Polygon":
			b := f.Geometry.Polygons[0].Transform(func(p geo.LatLng) geo.LatLng { return geo.ToWGS84(up.Datum, p) })
			s.boundary, s.pos = &b, centroid(b.Outer)
		default:
			return nil, invalid(s.field+".geometry.type", fmt.Sprintf("%q is not accepted here", f.Geometry.Type))
		}
		out[i] = s
	}
	return out, nil
}

// centroid is the mean of a ring's vertices, good enough to place a
// compound's cell.
func centroid(r geo.Ring) geo.LatLng {
	var c geo.LatLng
	n := len(r) - 1 // the closing vertex repeats the first
	for _, p := range r[:n] {
		c.Lat += p.Lat / float64(n)
		c.Lng += p.Lng / float64(n)
	}
	return c
}

func siteCell(p geo.LatLng) h3.Cell {
	c, _ := h3.LatLngToCell(h3.LatLng{Lat: p.Lat, Lng: p.Lng}, SiteResolution) // p is validated
	return c
}

// ImportPosts stores watch posts from CSV (id,name,lat,lng,staffed_hours)
// or GeoJSON Point features (properties id, name, staffed_hours).
func (s *Service) ImportPosts(ctx context.Context, up Upload) (int, error) {
	sites, err := readSites(up, []string{"staffed_hours"}, false)
	if err != nil {
		return 0, err
	}
	posts := make([]WatchPost, len(sites))
	for i, st := range sites {
		raw, err := st.attrs("staffed_hours")
		if err != nil {
			return 0, err
		}
		h, err := ParseHours(raw)
		if err != nil {
			return 0, invalid(st.field+" staffed_hours", err.Error())
		}
		posts[i] = WatchPost{ID: st.id, Name: orID(st.name, st.id), Position: st.pos, Cell: siteCell(st.pos), StaffedHours: h}
	}
	if up.ValidateOnly {
		return len(posts), nil
	}
	if err := s.store.PutPosts(ctx, posts); err != nil {
		return 0, fmt.Errorf("storing watch posts: %w", err)
	}
	return len(posts), nil
}

// ImportCompounds stores residential compounds from CSV
// (id,name,lat,lng,households) or GeoJSON Point or Polygon features
// (properties id, name, households).
func (s *Service) ImportCompounds(ctx context.Context, up Upload) (int, error) {
	sites, err := readSites(up, []string{"households"}, true)
	if err != nil {
		return 0, err
	}
	cs := make([]Compound, len(sites))
	for i, st := range sites {
		raw, err := st.attrs("households")
		if err != nil {
			return 0, err
		}
		n := 0
		if raw != "" {
			if n, err = strconv.Atoi(raw); err != nil || n < 0 {
				return 0, invalid(st.field+" households", fmt.Sprintf("%q is not a whole number ≥ 0", raw))
			}
		}
		cs[i] = Compound{ID: st.id, Name: orID(st.name, st.id), Position: st.pos, Boundary: st.boundary,
			Cell: siteCell(st.pos), Households: n}
	}
	if up.ValidateOnly {
		return len(cs), nil
	}
	if err := s.store.PutCompounds(ctx, cs); err != nil {
		return 0, fmt.Errorf("storing compounds: %w", err)
	}
	return len(cs), nil
}

func orID(name, id string) string {
	if name == "" {
		return id
	}
	return name
}

// Posts returns every watch post ordered by ID.
func (s *Service) Posts(ctx context.Context) ([]WatchPost, error) { return s.store.Posts(ctx) }

// Compounds returns every compound ordered by ID.
func (s *Service) Compounds(ctx context.Context) ([]Compound, error) { return s.store.Compounds(ctx) }
