package gridtest

import (
	"context"
	"reflect"
	"testing"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/uber/h3-go/v4"
)

// RunSiteStoreTests checks the SiteStore contract.
func RunSiteStoreTests(t *testing.T, newStore func(t *testing.T) grid.Store) {
	runAll(t, newStore, []test{
		{"PostsRoundTrip", testPostsRoundTrip},
		{"PostsReplaceByID", testPostsReplace},
		{"CompoundsRoundTrip", testCompoundsRoundTrip},
		{"CompoundsReplaceByID", testCompoundsReplace},
		{"Empty", testSitesEmpty},
		{"Canceled", func(t *testing.T, newStore newStoreFunc) {
			posts, cs := samplePosts(t), sampleCompounds(t)
			testCanceled(t, newStore, []call{
				{"PutPosts", func(ctx context.Context, s grid.Store) error { return s.PutPosts(ctx, posts) }},
				{"Posts", func(ctx context.Context, s grid.Store) error { _, err := s.Posts(ctx); return err }},
				{"PutCompounds", func(ctx context.Context, s grid.Store) error { return s.PutCompounds(ctx, cs) }},
				{"Compounds", func(ctx context.Context, s grid.Store) error { _, err := s.Compounds(ctx); return err }},
			})
		}},
	})
}

// latLng returns p as a geo.LatLng.
func latLng(p h3.LatLng) geo.LatLng { return geo.LatLng{Lat: p.Lat, Lng: p.Lng} }

// samplePosts are watch posts in ID order with every field set, staffed
// round the clock, in two spans (one across midnight) and never.
func samplePosts(t *testing.T) []grid.WatchPost {
	p1 := h3.LatLng{Lat: 41.79613, Lng: 123.45101}
	p2 := h3.LatLng{Lat: 41.80277, Lng: 123.43968}
	return []grid.WatchPost{
		{ID: "WP-001", Name: "太原街守望岗", Position: latLng(p1), Cell: cellAt(t, p1, grid.SiteResolution),
			StaffedHours: grid.AllDay},
		{ID: "WP-002", Name: "中华路守望岗", Position: latLng(p2), Cell: cellAt(t, p2, grid.SiteResolution),
			StaffedHours: grid.Hours{{Start: 7 * 60, End: 12 * 60}, {Start: 22 * 60, End: 6 * 60}}},
		{ID: "WP-003", Name: "未启用岗", Position: latLng(dalian), Cell: cellAt(t, dalian, grid.SiteResolution)},
	}
}

// sampleCompounds are compounds in ID order: one with a boundary with two
// holes, one with a plain boundary and one with none.
func sampleCompounds(t *testing.T) []grid.Compound {
	c := h3.LatLng{Lat: 41.7950, Lng: 123.4480}
	ring := func(lat, lng, d float64) geo.Ring {
		return geo.Ring{{Lat: lat - d, Lng: lng - d}, {Lat: lat - d, Lng: lng + d},
			{Lat: lat + d, Lng: lng + d}, {Lat: lat + d, Lng: lng - d}, {Lat: lat - d, Lng: lng - d}}
	}
	withHoles := &geo.Polygon{Outer: ring(c.Lat, c.Lng, 0.002),
		Holes: []geo.Ring{ring(c.Lat-0.001, c.Lng, 0.0003), ring(c.Lat+0.001, c.Lng, 0.0002)}}
	return []grid.Compound{
		{ID: "CP-001", Name: "南湖小区", Position: latLng(c), Boundary: withHoles,
			Cell: cellAt(t, c, grid.SiteResolution), Households: 1234},
		{ID: "CP-002", Name: "三好街小区", Position: latLng(shenyang),
			Boundary: &geo.Polygon{Outer: ring(shenyang.Lat, shenyang.Lng, 0.001)},
			Cell:     cellAt(t, shenyang, grid.SiteResolution), Households: 56},
		{ID: "CP-003", Name: "无边界小区", Position: latLng(dalian), Cell: cellAt(t, dalian, grid.SiteResolution)},
	}
}

func testPostsRoundTrip(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	want := samplePosts(t)
	if err := s.PutPosts(ctx, []grid.WatchPost{want[2], want[0]}); err != nil {
		t.Fatalf("PutPosts: %v", err)
	}
	if err := s.PutPosts(ctx, want[1:2]); err != nil {
		t.Fatalf("PutPosts: %v", err)
	}
	got, err := s.Posts(ctx)
	if err != nil || !equalPosts(got, want) {
		t.Errorf("Posts = %+v, %v; want %+v, nil", got, err, want)
	}
}

func testPostsReplace(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	want := samplePosts(t)
	if err := s.PutPosts(ctx, want); err != nil {
		t.Fatalf("PutPosts: %v", err)
	}
	want[1].Name, want[1].StaffedHours = "中华路守望岗（夜）", grid.Hours{{Start: 20 * 60, End: 24 * 60}}
	want[1].Position = latLng(shenyang)
	if err := s.PutPosts(ctx, want[1:2]); err != nil {
		t.Fatalf("PutPosts: %v", err)
	}
	got, err := s.Posts(ctx)
	if err != nil || !equalPosts(got, want) {
		t.Errorf("Posts = %+v, %v; want %+v, nil", got, err, want)
	}
}

func testCompoundsRoundTrip(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	want := sampleCompounds(t)
	if err := s.PutCompounds(ctx, []grid.Compound{want[1], want[2], want[0]}); err != nil {
		t.Fatalf("PutCompounds: %v", err)
	}
	got, err := s.Compounds(ctx)
	if err != nil || !equalCompounds(got, want) {
		t.Errorf("Compounds = %+v, %v; want %+v, nil", got, err, want)
	}
}

func testCompoundsReplace(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	want := sampleCompounds(t)
	if err := s.PutCompounds(ctx, want); err != nil {
		t.Fatalf("PutCompounds: %v", err)
	}
	want[0].Boundary, want[0].Households, want[0].Name = nil, 1300, "南湖新村"
	want[2].Boundary = want[1].Boundary
	if err := s.PutCompounds(ctx, []grid.Compound{want[0], want[2]}); err != nil {
		t.Fatalf("PutCompounds: %v", err)
	}
	got, err := s.Compounds(ctx)
	if err != nil || !equalCompounds(got, want) {
		t.Errorf("Compounds = %+v, %v; want %+v, nil", got, err, want)
	}
}

func testSitesEmpty(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.PutPosts(ctx, nil); err != nil {
		t.Errorf("PutPosts(nil) = %v, want nil", err)
	}
	if err := s.PutCompounds(ctx, nil); err != nil {
		t.Errorf("PutCompounds(nil) = %v, want nil", err)
	}
	posts, err := s.Posts(ctx)
	if err != nil || len(posts) != 0 {
		t.Errorf("Posts on an empty store = %+v, %v; want none, nil", posts, err)
	}
	cs, err := s.Compounds(ctx)
	if err != nil || len(cs) != 0 {
		t.Errorf("Compounds on an empty store = %+v, %v; want none, nil", cs, err)
	}
}

// equalPosts compares posts field by field; nil and empty hours are equal.
func equalPosts(a, b []grid.WatchPost) bool {
	norm := func(ps []grid.WatchPost) []grid.WatchPost {
		out := make([]grid.WatchPost, len(ps))
		for i, p := range ps {
			if len(p.StaffedHours) == 0 {
				p.StaffedHours = nil
			}
			out[i] = p
		}
		return out
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// equalCompounds compares compounds field by field, boundaries by value;
// nil and empty rings and hole lists are equal.
func equalCompounds(a, b []grid.Compound) bool {
	norm := func(cs []grid.Compound) []grid.Compound {
		out := make([]grid.Compound, len(cs))
		for i, c := range cs {
			if c.Boundary != nil {
				p := geo.Polygon{Outer: normRing(c.Boundary.Outer)}
				for _, h := range c.Boundary.Holes {
					p.Holes = append(p.Holes, normRing(h))
				}
				c.Boundary = &p
			}
			out[i] = c
		}
		return out
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

func normRing(r geo.Ring) geo.Ring {
	if len(r) == 0 {
		return nil
	}
	return r
}
