package main

import (
	"context"
	"testing"

	"github.com/gridwatch/gridwatch/grid"
)

// The CLI tests' server authenticates and authorises as gridwatchd does;
// the tests' tokens (issueFor) give dispatchers and station chiefs the
// station hp-st and officers its community grid hp-c, the test area.

// testScopeUnits is the unit hierarchy of the test area.
const testScopeUnits = `id,type,name,parent
sy,city,沈阳市公安局,
hp,district,和平分局,sy
hp-st,station,和平派出所,hp
`

// testScopeGrid is a community grid of hp-st over the test area (41.70 to
// 41.90 N, 123.30 to 123.55 E).
const testScopeGrid = `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"hp-c","unit":"hp-st"},
"geometry":{"type":"Polygon","coordinates":[[[123.30,41.70],[123.55,41.70],[123.55,41.90],[123.30,41.90],[123.30,41.70]]]}}]}`

// importTestScope imports the test area's units and grid through svc.
func importTestScope(t *testing.T, svc *grid.Service) {
	t.Helper()
	ctx := context.Background()
	if _, err := svc.ImportUnits(ctx, grid.Upload{Data: []byte(testScopeUnits)}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportGrids(ctx, grid.GridImport{Kind: grid.Community, GeoJSON: []byte(testScopeGrid)}); err != nil {
		t.Fatal(err)
	}
}
