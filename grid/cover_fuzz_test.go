package grid

import (
	"encoding/binary"
	"slices"
	"testing"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/uber/h3-go/v4"
)

func mustCell(t testing.TB, lat, lng float64, res int) h3.Cell {
	t.Helper()
	c, err := h3.LatLngToCell(h3.LatLng{Lat: lat, Lng: lng}, res)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// polygonFromBytes reads pairs of int8 offsets (in units of 0.0005°, about
// 50 m) around a Shenyang point as a ring, closing it.
func polygonFromBytes(b []byte) geo.Polygon {
	var r geo.Ring
	for i := 0; i+1 < len(b) && len(r) < 64; i += 2 {
		r = append(r, geo.LatLng{Lat: 41.8 + float64(int8(b[i]))*0.0005, Lng: 123.4 + float64(int8(b[i+1]))*0.0005})
	}
	if len(r) > 0 {
		r = append(r, r[0])
	}
	return geo.Polygon{Outer: r}
}

// FuzzCover checks that covering any polygon that passes validation gives
// valid, distinct, sorted cells of the requested resolution, the same way
// twice, and never panics.
func FuzzCover(f *testing.F) {
	square := []byte{0, 0, 0, 40, 40, 40, 40, 0}
	f.Add(square, uint8(9))
	f.Add([]byte{0, 0, 20, 20, 0, 40}, uint8(10))
	f.Add([]byte{0, 0, 40, 40, 0, 40, 40, 0}, uint8(8)) // a bow tie: rejected
	seed := make([]byte, 8)
	binary.LittleEndian.PutUint64(seed, 0x7f80017f80017f80)
	f.Add(seed, uint8(7))
	f.Fuzz(func(t *testing.T, b []byte, r uint8) {
		res := MinResolution + int(r)%(MaxResolution-MinResolution+1)
		p := polygonFromBytes(b)
		if geo.ValidatePolygon("p", p) != nil {
			return
		}
		cells, err := Cover([]geo.Polygon{p}, res)
		if err != nil {
			t.Fatalf("Cover of a valid polygon: %v", err)
		}
		for i, c := range cells {
			if !c.IsValid() || c.Resolution() != res {
				t.Fatalf("cell %v: valid %v resolution %d, want %d", c, c.IsValid(), c.Resolution(), res)
			}
			if i > 0 && cells[i-1] >= c {
				t.Fatalf("cells not sorted and distinct at %d", i)
			}
		}
		again, _ := Cover([]geo.Polygon{p}, res)
		if !slices.Equal(cells, again) {
			t.Fatalf("Cover is not deterministic")
		}
	})
}
