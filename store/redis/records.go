package redis

import (
	"encoding/json"
	"fmt"

	"github.com/gridwatch/gridwatch/grid"
)

// recordVersion is the "v" of every record this package writes.
const recordVersion = 1

// versioned is a stored record.
type versioned interface{ version() int }

// encode marshals a record for storage.
func encode(r versioned) (string, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("encode record: %w", err)
	}
	return string(b), nil
}

// decode unmarshals a stored record and checks its version.
func decode[R versioned](data string) (R, error) {
	var r R
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		return r, fmt.Errorf("decode record: %w", err)
	}
	if v := r.version(); v != recordVersion {
		return r, fmt.Errorf("decode record: version %d, want %d", v, recordVersion)
	}
	return r, nil
}

type personRecord struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

func newPersonRecord(p grid.Person) personRecord { return personRecord(p) }
func (r personRecord) person() grid.Person       { return grid.Person(r) }

type unitRecord struct {
	V      int          `json:"v"`
	ID     string       `json:"id"`
	Type   string       `json:"type,omitempty"`
	Name   string       `json:"name,omitempty"`
	Parent string       `json:"parent,omitempty"`
	Head   personRecord `json:"head"`
}

func (r unitRecord) version() int { return r.V }

func newUnitRecord(u grid.Unit) (unitRecord, error) {
	t, err := unitTypes.name(u.Type)
	return unitRecord{V: recordVersion, ID: u.ID, Type: t, Name: u.Name, Parent: u.Parent,
		Head: newPersonRecord(u.Head)}, err
}

func (r unitRecord) unit() (grid.Unit, error) {
	t, err := unitTypes.value(r.Type)
	return grid.Unit{ID: r.ID, Type: t, Name: r.Name, Parent: r.Parent, Head: r.Head.person()}, err
}

// gridRecord is a grid; its kind is the kind of the hash that holds it.
type gridRecord struct {
	V           int          `json:"v"`
	ID          string       `json:"id"`
	Name        string       `json:"name,omitempty"`
	Unit        string       `json:"unit,omitempty"`
	Officer     personRecord `json:"officer"`
	TeamLeader  personRecord `json:"team_leader"`
	DeputyChief personRecord `json:"deputy_chief"`
	Resolution  int          `json:"resolution"`
	CellCount   int          `json:"cell_count"`
	AreaM2      float64      `json:"area_m2"`
}

func (r gridRecord) version() int { return r.V }

func newGridRecord(g grid.Grid) gridRecord {
	return gridRecord{V: recordVersion, ID: g.ID, Name: g.Name, Unit: g.Unit,
		Officer: newPersonRecord(g.Officer), TeamLeader: newPersonRecord(g.TeamLeader),
		DeputyChief: newPersonRecord(g.DeputyChief),
		Resolution:  g.Resolution, CellCount: g.CellCount, AreaM2: g.AreaM2}
}

func (r gridRecord) grid(kind grid.Kind) grid.Grid {
	return grid.Grid{Kind: kind, ID: r.ID, Name: r.Name, Unit: r.Unit,
		Officer: r.Officer.person(), TeamLeader: r.TeamLeader.person(),
		DeputyChief: r.DeputyChief.person(),
		Resolution:  r.Resolution, CellCount: r.CellCount, AreaM2: r.AreaM2}
}

type responderRecord struct {
	V          int    `json:"v"`
	ID         string `json:"id"`
	Name       string `json:"name,omitempty"`
	Kind       string `json:"kind,omitempty"`
	TravelMode string `json:"travel_mode,omitempty"`
	HomeGrid   string `json:"home_grid,omitempty"`
	Compound   string `json:"compound,omitempty"`
	Post       string `json:"post,omitempty"`
}

func (r responderRecord) version() int { return r.V }

func newResponderRecord(x grid.Responder) (responderRecord, error) {
	k, err := responderKinds.name(x.Kind)
	if err != nil {
		return responderRecord{}, err
	}
	m, err := travelModes.name(x.TravelMode)
	return responderRecord{V: recordVersion, ID: x.ID, Name: x.Name, Kind: k, TravelMode: m,
		HomeGrid: x.HomeGrid, Compound: x.Compound, Post: x.Post}, err
}

func (r responderRecord) responder() (grid.Responder, error) {
	k, err := responderKinds.value(r.Kind)
	if err != nil {
		return grid.Responder{}, err
	}
	m, err := travelModes.value(r.TravelMode)
	return grid.Responder{ID: r.ID, Name: r.Name, Kind: k, TravelMode: m,
		HomeGrid: r.HomeGrid, Compound: r.Compound, Post: r.Post}, err
}
