package api

import (
	"slices"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Fields outside a request's allowed set are rejected, not silently
// applied or ignored: a client that sets an output-only field learns that
// the server will not take it.

// incidentInputFields are the Incident fields CreateIncident takes; every
// other one is output only.
var incidentInputFields = []protoreflect.Name{"category", "severity", "position", "address", "description", "source"}

// gridInputFields are the Grid fields UpdateGrid takes; kind,
// resolution, cell_count and area_km2 are output only.
var gridInputFields = []protoreflect.Name{"name", "display_name", "unit", "officer", "team_leader", "deputy_chief"}

// checkOutputOnly rejects the first field set in m (in field-number
// order) that is not one of allowed, naming it as "{prefix}.{field}".
func checkOutputOnly(prefix string, m proto.Message, allowed []protoreflect.Name) error {
	r := m.ProtoReflect()
	fields := r.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if r.Has(fd) && !slices.Contains(allowed, fd.Name()) {
			return invalid(prefix+"."+string(fd.Name()), "output only; leave it unset")
		}
	}
	if len(r.GetUnknown()) > 0 {
		return invalid(prefix, "carries fields this server does not know")
	}
	return nil
}
