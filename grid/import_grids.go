package grid

import (
	"context"
	"fmt"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/uber/h3-go/v4"
)

// GridImport is a GeoJSON FeatureCollection of grids to import. Each
// Polygon or MultiPolygon feature is one grid; its properties carry id (or
// the feature's id), name, unit, and the officers as officer_id,
// officer_name, team_leader_id, team_leader_name, deputy_chief_id and
// deputy_chief_name. A grid whose ID is already stored is replaced.
type GridImport struct {
	Kind         Kind
	Datum        geo.Datum
	Resolution   int // 0 means Config.DefaultResolution
	GeoJSON      []byte
	DefaultUnit  string // unit ID for features without a unit property
	ValidateOnly bool
}

// ImportReport says what an import did (or, validating only, would do).
type ImportReport struct {
	Kind         Kind
	Resolution   int
	Grids        int
	Cells        int // cells the imported grids own after overlaps are resolved
	Replaced     []string
	Overlaps     []Overlap
	OverlapCells int
	Gaps         []Gap
	GapCells     int
}

// parsedGrid is one feature, validated and converted to WGS-84.
type parsedGrid struct {
	grid  Grid
	polys []geo.Polygon
}

// ImportGrids validates, covers and stores a set of grids, all or nothing.
func (s *Service) ImportGrids(ctx context.Context, in GridImport) (ImportReport, error) {
	start := time.Now()
	res, err := s.checkGridImport(in)
	if err != nil {
		return ImportReport{}, err
	}
	feats, err := geo.DecodeFeatureCollection(in.GeoJSON, geo.DecodeOptions{MaxFeatures: s.cfg.MaxFeatures})
	if err != nil {
		return ImportReport{}, fmt.Errorf("geojson: %w", err)
	}
	parsed, err := s.parseGrids(ctx, feats, in, res)
	if err != nil {
		return ImportReport{}, err
	}
	cells, err := s.coverGrids(ctx, parsed, res)
	if err != nil {
		return ImportReport{}, err
	}
	p, err := s.plan(ctx, in.Kind, res, parsed, cells)
	if err != nil {
		return ImportReport{}, err
	}
	if !in.ValidateOnly {
		if err := s.store.ApplyGridChange(ctx, p.change); err != nil {
			return ImportReport{}, fmt.Errorf("storing %s grids: %w", in.Kind, err)
		}
	}
	s.log.InfoContext(ctx, "grids imported", "kind", in.Kind.String(), "grids", p.report.Grids,
		"cells", p.report.Cells, "overlap_cells", p.report.OverlapCells, "gap_cells", p.report.GapCells,
		"validate_only", in.ValidateOnly, "duration_ms", time.Since(start).Milliseconds())
	return p.report, nil
}

func (s *Service) checkGridImport(in GridImport) (int, error) {
	if in.Kind != Police && in.Kind != Community {
		return 0, invalid("kind", "must be police or community")
	}
	res := in.Resolution
	if res == 0 {
		res = s.cfg.DefaultResolution
	}
	if res < MinResolution || res > MaxResolution {
		return 0, invalid("resolution", fmt.Sprintf("%d is outside %d..%d", res, MinResolution, MaxResolution))
	}
	if in.DefaultUnit != "" {
		if err := CheckID("default_unit", in.DefaultUnit); err != nil {
			return 0, err
		}
	}
	return res, nil
}

// parseGrids reads every feature's metadata and geometry, converts it to
// WGS-84 and enforces the area cap and the unit references.
func (s *Service) parseGrids(ctx context.Context, feats []geo.Feature, in GridImport, res int) ([]parsedGrid, error) {
	if len(feats) == 0 {
		return nil, invalid("geojson.features", "no features")
	}
	out := make([]parsedGrid, 0, len(feats))
	seen := dupCheck{}
	units := map[string]string{} // unit → first field naming it
	for _, f := range feats {
		pg, err := s.parseGrid(f, in, res)
		if err != nil {
			return nil, err
		}
		if err := seen.add(fmt.Sprintf("features[%d].id", f.Index), pg.grid.ID); err != nil {
			return nil, err
		}
		if _, ok := units[pg.grid.Unit]; !ok && pg.grid.Unit != "" {
			units[pg.grid.Unit] = propField(f, "unit")
		}
		out = append(out, pg)
	}
	for u, field := range units {
		if err := s.checkUnit(ctx, field, u); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Service) parseGrid(f geo.Feature, in GridImport, res int) (parsedGrid, error) {
	g, err := gridFromFeature(f, in.Kind, in.DefaultUnit)
	if err != nil {
		return parsedGrid{}, err
	}
	geomField := fmt.Sprintf("features[%d].geometry", f.Index)
	if f.Geometry.Type != "Polygon" && f.Geometry.Type != "MultiPolygon" {
		return parsedGrid{}, invalid(geomField+".type", fmt.Sprintf("%q: a grid must be a Polygon or MultiPolygon", f.Geometry.Type))
	}
	polys := make([]geo.Polygon, len(f.Geometry.Polygons))
	for i, p := range f.Geometry.Polygons {
		if in.Datum != geo.WGS84 {
			p = p.Transform(func(ll geo.LatLng) geo.LatLng { return geo.ToWGS84(in.Datum, ll) })
		}
		polys[i] = p
		g.AreaM2 += p.AreaM2()
	}
	if km2 := g.AreaM2 / 1e6; km2 > s.cfg.MaxGridAreaKm2 {
		return parsedGrid{}, invalid(geomField, fmt.Sprintf("area %.0f km² exceeds the %.0f km² cap", km2, s.cfg.MaxGridAreaKm2))
	}
	g.Resolution = res
	return parsedGrid{grid: g, polys: polys}, nil
}

// checkUnit requires a referenced unit to exist.
func (s *Service) checkUnit(ctx context.Context, field, id string) error {
	if err := CheckID(field, id); err != nil {
		return err
	}
	if _, err := s.store.Unit(ctx, id); err != nil {
		if isNotFound(err) {
			return invalid(field, fmt.Sprintf("unit %q does not exist; import units first", id))
		}
		return err
	}
	return nil
}

// coverGrids estimates the cell count from the areas, refuses imports over
// the cap before doing the work, then covers the polygons in parallel.
func (s *Service) coverGrids(ctx context.Context, parsed []parsedGrid, res int) ([][]h3.Cell, error) {
	polys := make([][]geo.Polygon, len(parsed))
	areas := make([]float64, len(parsed))
	total := 0.0
	for i, pg := range parsed {
		polys[i], areas[i] = pg.polys, pg.grid.AreaM2
		total += pg.grid.AreaM2
	}
	cellKm2, err := h3.HexagonAreaAvgKm2(res)
	if err == nil && total/1e6/cellKm2 > 1.2*float64(s.cfg.MaxCellsPerImport) {
		return nil, invalid("geojson", fmt.Sprintf("about %.0f cells at resolution %d exceed the cap of %d cells per import",
			total/1e6/cellKm2, res, s.cfg.MaxCellsPerImport))
	}
	cells, err := coverAll(ctx, polys, areas, res, s.cfg.Workers)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, c := range cells {
		n += len(c)
	}
	if n > s.cfg.MaxCellsPerImport {
		return nil, invalid("geojson", fmt.Sprintf("%d cells at resolution %d exceed the cap of %d cells per import", n, res, s.cfg.MaxCellsPerImport))
	}
	return cells, nil
}
