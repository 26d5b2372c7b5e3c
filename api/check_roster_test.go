package api

import (
	"context"
	"testing"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

const testPosts = `id,name,lat,lng,staffed_hours
p1,中街岗,41.801,123.401,"07:00-12:00,14:00-22:00"
p2,太原街岗,41.802,123.402,24h
`

func TestCheckRosterServiceRequests(t *testing.T) {
	csv := gridwatchv1.ImportFormat_IMPORT_FORMAT_CSV
	compoundsToken := encodePageToken(compounds, "x")
	runCheckCases(t, []checkCase{
		{"posts datum 99", func(ctx context.Context, e *env) error {
			_, err := e.roster.ImportWatchPosts(ctx, &gridwatchv1.ImportWatchPostsRequest{Format: csv, Data: testPosts, Datum: 99})
			return err
		}, "datum"},
		{"posts format 5", func(ctx context.Context, e *env) error {
			_, err := e.roster.ImportWatchPosts(ctx, &gridwatchv1.ImportWatchPostsRequest{Format: 5, Data: testPosts})
			return err
		}, "format"},
		{"posts without data", func(ctx context.Context, e *env) error {
			_, err := e.roster.ImportWatchPosts(ctx, &gridwatchv1.ImportWatchPostsRequest{Format: csv})
			return err
		}, "data"},
		{"list posts page_size -1", func(ctx context.Context, e *env) error {
			_, err := e.roster.ListWatchPosts(ctx, &gridwatchv1.ListWatchPostsRequest{PageSize: -1})
			return err
		}, "page_size"},
		{"compounds datum -3", func(ctx context.Context, e *env) error {
			_, err := e.roster.ImportCompounds(ctx, &gridwatchv1.ImportCompoundsRequest{Data: "id,name,lat,lng\n", Datum: -3})
			return err
		}, "datum"},
		{"compounds without data", func(ctx context.Context, e *env) error {
			_, err := e.roster.ImportCompounds(ctx, &gridwatchv1.ImportCompoundsRequest{})
			return err
		}, "data"},
		{"list compounds with a malformed token", func(ctx context.Context, e *env) error {
			_, err := e.roster.ListCompounds(ctx, &gridwatchv1.ListCompoundsRequest{PageToken: "not base64!"})
			return err
		}, "page_token"},
		{"responders from GeoJSON", func(ctx context.Context, e *env) error {
			_, err := e.roster.ImportResponders(ctx, &gridwatchv1.ImportRespondersRequest{Format: gridwatchv1.ImportFormat_IMPORT_FORMAT_GEOJSON, Data: "{}"})
			return err
		}, "format"},
		{"get responder by compound name", func(ctx context.Context, e *env) error {
			_, err := e.roster.GetResponder(ctx, &gridwatchv1.GetResponderRequest{Name: "compounds/c1"})
			return err
		}, "name"},
		{"list responders page_size -1", func(ctx context.Context, e *env) error {
			_, err := e.roster.ListResponders(ctx, &gridwatchv1.ListRespondersRequest{PageSize: -1})
			return err
		}, "page_size"},
		{"understaffed with a ListCompounds token", func(ctx context.Context, e *env) error {
			_, err := e.roster.ListUnderstaffedCompounds(ctx, &gridwatchv1.ListUnderstaffedCompoundsRequest{PageToken: compoundsToken})
			return err
		}, "page_token"},
	})
}
