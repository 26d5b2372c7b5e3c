package grid

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/uber/h3-go/v4"
)

// Cover returns the cells of resolution res whose centres lie inside the
// polygons (holes excluded), sorted and without duplicates.
func Cover(polys []geo.Polygon, res int) ([]h3.Cell, error) {
	var out []h3.Cell
	for _, p := range polys {
		cells, err := h3.PolygonToCells(toH3(p), res)
		if err != nil {
			return nil, fmt.Errorf("covering a polygon at resolution %d: %w", res, err)
		}
		out = append(out, cells...)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func toH3(p geo.Polygon) h3.GeoPolygon {
	gp := h3.GeoPolygon{GeoLoop: toLoop(p.Outer)}
	for _, h := range p.Holes {
		gp.Holes = append(gp.Holes, toLoop(h))
	}
	return gp
}

// toLoop drops the closing vertex: H3 loops are implicitly closed.
func toLoop(r geo.Ring) h3.GeoLoop {
	n := len(r)
	if n > 1 && r[0] == r[n-1] {
		n--
	}
	l := make(h3.GeoLoop, n)
	for i, v := range r[:n] {
		l[i] = h3.LatLng{Lat: v.Lat, Lng: v.Lng}
	}
	return l
}

// coverAll covers every grid's polygons with workers goroutines, largest
// first so the slowest job starts early. It stops at the first error or when
// ctx ends.
func coverAll(ctx context.Context, polys [][]geo.Polygon, areas []float64, res, workers int) ([][]h3.Cell, error) {
	order := make([]int, len(polys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(areas[b], areas[a]) })
	out := make([][]h3.Cell, len(polys))
	jobs := make(chan int)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for range max(1, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				cells, err := Cover(polys[i], res)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("features[%d]: %w", i, err)
				}
				mu.Unlock()
				out[i] = cells
			}
		}()
	}
	for _, i := range order {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return out, ctx.Err()
}
