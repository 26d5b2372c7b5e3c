package redis

import "github.com/gridwatch/gridwatch/grid"

// noFix is the home of a record without a position: the responder's
// directory itself.
const noFix = ""

// presRecs is a shard's hash of presence records (responder ID → record).
func (k keys) presRecs(shard string) string { return k.p + "gw:{" + shard + "}:pres:recs" }

// presGeo is a shard's GEO set of the available responders of a mode.
func (k keys) presGeo(shard string, mode grid.TravelMode) string {
	name, err := travelModes.name(mode)
	if err != nil || name == "" {
		name = "none"
	}
	return k.p + "gw:{" + shard + "}:pres:geo:" + name
}

// presDir is a responder's directory: where the record lives, and the
// record itself until the first fix.
func (k keys) presDir(id string) string { return k.p + "gw:{pres:" + id + "}" }

// presDay is a responder's own-grid counters of one day, in the directory's
// slot so that they outlive the shift and any move between shards.
func (k keys) presDay(id, day string) string { return k.presDir(id) + ":own:" + day }

// presHome returns the keys a script on a record's home declares: the
// directory alone for noFix, else the shard's records and its GEO sets of
// every mode (in grid.TravelMode order, as lua/presence_record.lua expects).
func (k keys) presHome(id, home string) []string {
	if home == noFix {
		return []string{k.presDir(id)}
	}
	return k.presShard(home)
}

// presShard returns a shard's records key and GEO keys.
func (k keys) presShard(shard string) []string {
	return []string{k.presRecs(shard),
		k.presGeo(shard, grid.TravelModeUnspecified), k.presGeo(shard, grid.Walk),
		k.presGeo(shard, grid.Bike), k.presGeo(shard, grid.Car)}
}

// presField is the hash field of a record at home: the responder ID in a
// shard's records, "rec" in the directory.
func presField(id, home string) string {
	if home == noFix {
		return "rec"
	}
	return id
}

// geoKeyCount is the number of GEO keys presHome declares for home.
func geoKeyCount(home string) string {
	if home == noFix {
		return "0"
	}
	return "4"
}
