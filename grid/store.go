package grid

import (
	"context"

	"github.com/uber/h3-go/v4"
)

// UnitStore keeps the unit hierarchy.
type UnitStore interface {
	// PutUnits inserts or replaces units by ID, all or none.
	PutUnits(ctx context.Context, units []Unit) error
	// Unit returns one unit or an error wrapping ErrNotFound.
	Unit(ctx context.Context, id string) (Unit, error)
	// Units returns every unit ordered by ID.
	Units(ctx context.Context) ([]Unit, error)
}

// GridChange is one atomic change to the grids of a kind, computed by the
// importer: grids to put (replacing any grid of the same ID, together with
// its cell list) and cell ownership to set or clear.
type GridChange struct {
	Kind  Kind
	Grids []GridCells
	// Owners sets cell → grid ID; an empty grid ID clears the cell.
	Owners map[h3.Cell]string
}

// GridCells is a grid with the cells it owns.
type GridCells struct {
	Grid  Grid
	Cells []h3.Cell
}

// GridStore keeps grids and the cell → grid index of each kind.
//
// Invariants the engines keep: after ApplyGridChange returns nil, every
// change in it is visible; if it returns an error, none is. (On Redis
// Cluster the Redis engine runs one transaction per hash tag, so there the
// guarantee holds per shard; see store/redis.) Cell IDs may be of any resolution 7 to 10;
// a kind uses one resolution at a time (the importer enforces it).
type GridStore interface {
	// ApplyGridChange applies ch atomically.
	ApplyGridChange(ctx context.Context, ch GridChange) error
	// UpdateGrid replaces a grid's metadata (name, unit, officers) but not
	// its cells, Resolution, CellCount or AreaM2; ErrNotFound if absent.
	UpdateGrid(ctx context.Context, g Grid) error
	// Grid returns one grid or an error wrapping ErrNotFound.
	Grid(ctx context.Context, kind Kind, id string) (Grid, error)
	// Grids returns the grids of a kind ordered by ID.
	Grids(ctx context.Context, kind Kind) ([]Grid, error)
	// GridCells returns the cells a grid owns, in any order, or an error
	// wrapping ErrNotFound for an unknown grid.
	GridCells(ctx context.Context, kind Kind, id string) ([]h3.Cell, error)
	// CellOwners returns the owning grid ID of each cell ("" for none).
	CellOwners(ctx context.Context, kind Kind, cells []h3.Cell) ([]string, error)
	// LocateCells returns, for each kind, the owner of the first of cells
	// that has one; cells are the same point at resolutions 10, 9, 8 and 7,
	// all sharing one ShardCell. It is the hot path of the point lookup.
	LocateCells(ctx context.Context, cells []h3.Cell) (police, community string, err error)
}

// SiteStore keeps watch posts and residential compounds.
type SiteStore interface {
	// PutPosts inserts or replaces watch posts by ID, all or none.
	PutPosts(ctx context.Context, posts []WatchPost) error
	// Posts returns every watch post ordered by ID.
	Posts(ctx context.Context) ([]WatchPost, error)
	// PutCompounds inserts or replaces compounds by ID, all or none.
	PutCompounds(ctx context.Context, cs []Compound) error
	// Compounds returns every compound ordered by ID.
	Compounds(ctx context.Context) ([]Compound, error)
}

// RosterStore keeps the responder roster.
type RosterStore interface {
	// PutResponders inserts or replaces responders by ID, all or none.
	PutResponders(ctx context.Context, rs []Responder) error
	// Responder returns one responder or an error wrapping ErrNotFound.
	Responder(ctx context.Context, id string) (Responder, error)
	// Responders returns the whole roster ordered by ID.
	Responders(ctx context.Context) ([]Responder, error)
}

// Store is everything package grid needs from an engine.
type Store interface {
	UnitStore
	GridStore
	SiteStore
	RosterStore
	// Ping reports whether the engine answers.
	Ping(ctx context.Context) error
}
