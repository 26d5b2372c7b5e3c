package grid_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/store/memory"
)

// shenyangFile is the 13 districts of Shenyang in GCJ-02 (MIT, see
// testdata/shenyang/README.md).
const shenyangFile = "../testdata/shenyang/districts.geojson"

func readShenyang(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(shenyangFile)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newService(t testing.TB, cfg grid.Config) (*grid.Service, *memory.Store) {
	t.Helper()
	st := memory.New()
	svc, err := grid.NewService(st, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return svc, st
}

// square is a feature: a square of side deg degrees with its south-west
// corner at (lat, lng), with extra properties.
func square(id string, lat, lng, deg float64, props string) string {
	ring := fmt.Sprintf("[[%[2]g,%[1]g],[%[4]g,%[1]g],[%[4]g,%[3]g],[%[2]g,%[3]g],[%[2]g,%[1]g]]", lat, lng, lat+deg, lng+deg)
	if props != "" {
		props = "," + props
	}
	return fmt.Sprintf(`{"type":"Feature","properties":{"id":%q%s},"geometry":{"type":"Polygon","coordinates":[%s]}}`, id, props, ring)
}

func collection(features ...string) []byte {
	return []byte(`{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`)
}

func mustImport(t testing.TB, svc *grid.Service, in grid.GridImport) grid.ImportReport {
	t.Helper()
	rep, err := svc.ImportGrids(context.Background(), in)
	if err != nil {
		t.Fatalf("ImportGrids: %v", err)
	}
	return rep
}
