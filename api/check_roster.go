package api

import (
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/grid"
)

// uploadRequest is what every CSV or GeoJSON import request has.
type uploadRequest interface {
	GetFormat() gridwatchv1.ImportFormat
	GetData() string
	GetValidateOnly() bool
}

// formats tells which formats an import accepts.
type formats bool

const (
	csvOnly      formats = false // CSV; an unset format means CSV
	csvOrGeoJSON formats = true  // CSV or GeoJSON; an unset format is detected
)

// understaffed is the paging filter of ListUnderstaffedCompounds, so that
// its tokens are not taken for ListCompounds tokens.
const understaffed = "compounds:understaffed"

// checkUpload checks an import's format, datum and data, at most maxBytes.
func checkUpload(req uploadRequest, datum gridwatchv1.Datum, maxBytes int, accept formats) (grid.Upload, error) {
	format := req.GetFormat()
	if err := checkEnum("format", format, gridwatchv1.ImportFormat_name); err != nil {
		return grid.Upload{}, err
	}
	if accept == csvOnly {
		if format == gridwatchv1.ImportFormat_IMPORT_FORMAT_GEOJSON {
			return grid.Upload{}, invalid("format", "only IMPORT_FORMAT_CSV is accepted")
		}
		format = gridwatchv1.ImportFormat_IMPORT_FORMAT_CSV
	}
	if err := checkEnum("datum", datum, gridwatchv1.Datum_name); err != nil {
		return grid.Upload{}, err
	}
	if err := checkData("data", req.GetData(), maxBytes); err != nil {
		return grid.Upload{}, err
	}
	return grid.Upload{
		Data:         []byte(req.GetData()),
		Format:       formatFromProto(format),
		Datum:        datumFromProto(datum),
		ValidateOnly: req.GetValidateOnly(),
	}, nil
}

// checkImportWatchPostsRequest checks an ImportWatchPosts request.
func checkImportWatchPostsRequest(req *gridwatchv1.ImportWatchPostsRequest, maxBytes int) (grid.Upload, error) {
	return checkUpload(req, req.GetDatum(), maxBytes, csvOrGeoJSON)
}

// checkListWatchPostsRequest returns the page of watch posts asked for.
func checkListWatchPostsRequest(req *gridwatchv1.ListWatchPostsRequest) (page, error) {
	return checkPage(watchPosts, req.GetPageSize(), req.GetPageToken())
}

// checkImportCompoundsRequest checks an ImportCompounds request.
func checkImportCompoundsRequest(req *gridwatchv1.ImportCompoundsRequest, maxBytes int) (grid.Upload, error) {
	return checkUpload(req, req.GetDatum(), maxBytes, csvOrGeoJSON)
}

// checkListCompoundsRequest returns the page of compounds asked for.
func checkListCompoundsRequest(req *gridwatchv1.ListCompoundsRequest) (page, error) {
	return checkPage(compounds, req.GetPageSize(), req.GetPageToken())
}

// checkImportRespondersRequest checks an ImportResponders request (CSV
// only).
func checkImportRespondersRequest(req *gridwatchv1.ImportRespondersRequest, maxBytes int) (grid.Upload, error) {
	return checkUpload(req, gridwatchv1.Datum_DATUM_UNSPECIFIED, maxBytes, csvOnly)
}

// checkGetResponderRequest returns the id of the responder asked for.
func checkGetResponderRequest(req *gridwatchv1.GetResponderRequest) (string, error) {
	return parseName("name", req.GetName(), responders)
}

// checkListRespondersRequest returns the page of responders asked for.
func checkListRespondersRequest(req *gridwatchv1.ListRespondersRequest) (page, error) {
	return checkPage(responders, req.GetPageSize(), req.GetPageToken())
}

// checkListUnderstaffedCompoundsRequest returns the page of the report
// asked for.
func checkListUnderstaffedCompoundsRequest(req *gridwatchv1.ListUnderstaffedCompoundsRequest) (page, error) {
	return checkPage(understaffed, req.GetPageSize(), req.GetPageToken())
}
