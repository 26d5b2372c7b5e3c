package grid_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

const unitsCSV = `id,type,name,parent,head_id,head_name
sy,city,Shenyang,,c1,City Chief
shenhe,district,Shenhe bureau,sy,d1,District Chief
fyt,station,Fengyutan station,shenhe,s1,Station Chief
`

func upload(s string) grid.Upload { return grid.Upload{Data: []byte(s)} }

func TestLocateChain(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, grid.Config{})
	if _, err := svc.ImportUnits(ctx, upload(unitsCSV)); err != nil {
		t.Fatal(err)
	}
	mustImport(t, svc, grid.GridImport{Kind: grid.Police, DefaultUnit: "fyt", GeoJSON: collection(square("g1", 41.80, 123.40, 0.02,
		`"officer_id":"o1","officer_name":"Grid Officer","team_leader_id":"t1","deputy_chief_id":"dc1","deputy_chief_name":"Deputy"`))})
	loc, err := svc.Locate(ctx, geo.LatLng{Lat: 41.81, Lng: 123.41})
	if err != nil {
		t.Fatal(err)
	}
	want := grid.Chain{GridOfficer: grid.Person{ID: "o1", Name: "Grid Officer"}, TeamLeader: grid.Person{ID: "t1"},
		DeputyChief: grid.Person{ID: "dc1", Name: "Deputy"}, StationChief: grid.Person{ID: "s1", Name: "Station Chief"}}
	if loc.PoliceChain != want {
		t.Errorf("chain: got %+v, want %+v", loc.PoliceChain, want)
	}
	// Officers change without touching the boundary.
	g, err := svc.UpdateGrid(ctx, grid.Grid{Kind: grid.Police, ID: "g1", Officer: grid.Person{ID: "o2"}}, []string{"officer"})
	if err != nil {
		t.Fatal(err)
	}
	if g.Officer.ID != "o2" || g.TeamLeader.ID != "t1" || g.CellCount == 0 {
		t.Errorf("after UpdateGrid: got %+v", g)
	}
	if _, err := svc.UpdateGrid(ctx, grid.Grid{Kind: grid.Police, ID: "g1"}, []string{"resolution"}); !errors.Is(err, grid.ErrInvalid) {
		t.Errorf("update of resolution: got %v, want ErrInvalid", err)
	}
}

func TestImportUnitsRejects(t *testing.T) {
	cases := []struct{ name, csv, wantField string }{
		{"station under city", "id,type,name,parent\nsy,city,S,\nst,station,X,sy\n", "line 3 parent"},
		{"unknown parent", "id,type,name,parent\nd,district,D,nowhere\n", "line 2 parent"},
		{"city with parent", "id,type,name,parent\nsy,city,S,other\n", "line 2 parent"},
		{"unknown type", "id,type,name\nx,county,X\n", "line 2 type"},
		{"duplicate", "id,type,name\nsy,city,S\nsy,city,S\n", "line 3 id"},
		{"unknown column", "id,type,name,colour\nsy,city,S,red\n", "data"},
		{"no rows", "id,type,name\n", "data"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			svc, st := newService(t, grid.Config{})
			_, err := svc.ImportUnits(context.Background(), upload(tc.csv))
			if !errors.Is(err, grid.ErrInvalid) || !strings.Contains(err.Error(), tc.wantField) {
				t.Fatalf("got %v, want ErrInvalid naming %q", err, tc.wantField)
			}
			if us, _ := st.Units(context.Background()); len(us) != 0 {
				t.Errorf("stored %d units after a failed import", len(us))
			}
		})
	}
}

func TestSitesRosterAndQuota(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, grid.Config{})
	posts := "id,name,lat,lng,staffed_hours\np1,Post 1,41.80,123.40,07:00-22:00\np2,Post 2,41.81,123.41,24h\n"
	if n, err := svc.ImportPosts(ctx, grid.Upload{Data: []byte(posts), Datum: geo.GCJ02}); err != nil || n != 2 {
		t.Fatalf("ImportPosts: %d, %v", n, err)
	}
	compounds := `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"c1","name":"One","households":300},"geometry":{"type":"Point","coordinates":[123.40,41.80]}},
{"type":"Feature","properties":{"id":"c2","households":"120"},"geometry":{"type":"Polygon","coordinates":[[[123.40,41.80],[123.41,41.80],[123.41,41.81],[123.40,41.80]]]}}]}`
	if n, err := svc.ImportCompounds(ctx, upload(compounds)); err != nil || n != 2 {
		t.Fatalf("ImportCompounds: %d, %v", n, err)
	}
	roster := "id,name,kind,travel_mode,compound,post\nv1,A,watch_volunteer,,c1,\nv2,B,watch_volunteer,bike,c1,\nv3,C,watch_volunteer,,c2,\nps,D,watch_post_staff,,,p1\npa,E,patrol_officer,,,\n"
	if n, err := svc.ImportResponders(ctx, upload(roster)); err != nil || n != 5 {
		t.Fatalf("ImportResponders: %d, %v", n, err)
	}
	pa, err := svc.Responder(ctx, "pa")
	if err != nil || pa.TravelMode != grid.Car || pa.Kind != grid.PatrolOfficer {
		t.Errorf("patrol officer: got %+v, %v; want kind patrol_officer mode car", pa, err)
	}
	under, err := svc.UnderstaffedCompounds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(under) != 1 || under[0].Compound.ID != "c2" || under[0].WatchVolunteers != 1 {
		t.Errorf("understaffed: got %+v, want c2 with 1", under)
	}
	cs, _ := svc.Compounds(ctx)
	if cs[1].Boundary == nil || cs[1].Households != 120 || cs[1].Name != "c2" {
		t.Errorf("compound c2: got %+v", cs[1])
	}
}

func TestRosterRejects(t *testing.T) {
	cases := []struct{ name, csv, wantField string }{
		{"unknown kind", "id,kind\nx,wizard\n", "line 2 kind"},
		{"unknown mode", "id,kind,travel_mode\nx,watch_volunteer,horse\n", "line 2 travel_mode"},
		{"unknown compound", "id,kind,compound\nx,watch_volunteer,nowhere\n", "line 2 compound"},
		{"unknown grid", "id,kind,home_grid\nx,community_officer,policeGrids/nowhere\n", "line 2 home_grid"},
		{"bad id", "id,kind\na/b,watch_volunteer\n", "line 2 id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			svc, st := newService(t, grid.Config{})
			_, err := svc.ImportResponders(context.Background(), upload(tc.csv))
			if !errors.Is(err, grid.ErrInvalid) || !strings.Contains(err.Error(), tc.wantField) {
				t.Fatalf("got %v, want ErrInvalid naming %q", err, tc.wantField)
			}
			if rs, _ := st.Responders(context.Background()); len(rs) != 0 {
				t.Errorf("stored %d responders after a failed import", len(rs))
			}
		})
	}
}

func TestPostsReject(t *testing.T) {
	cases := []struct{ name, csv, wantField string }{
		{"NaN", "id,lat,lng\np,NaN,123\n", "line 2"},
		{"out of range", "id,lat,lng\np,41,190\n", "line 2"},
		{"not a number", "id,lat,lng\np,north,123\n", "line 2 lat"},
		{"bad hours", "id,lat,lng,staffed_hours\np,41,123,7-22\n", "line 2 staffed_hours"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			svc, _ := newService(t, grid.Config{})
			_, err := svc.ImportPosts(context.Background(), upload(tc.csv))
			if !errors.Is(err, grid.ErrInvalid) || !strings.Contains(err.Error(), tc.wantField) {
				t.Fatalf("got %v, want ErrInvalid naming %q", err, tc.wantField)
			}
		})
	}
}
