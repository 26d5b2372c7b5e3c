package api

import (
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

const testCompounds = `id,name,lat,lng,households
c1,万科城,41.801,123.401,1200
c2,华润悦府,41.803,123.405,800
c3,保利花园,41.805,123.409,600
`

const testResponders = `id,name,kind,travel_mode,home_grid,compound,post
r1,张三,watch_volunteer,walk,,c1,
r2,李四,watch_volunteer,,,c1,
r3,王五,watch_volunteer,bike,,c2,
r4,赵六,watch_post_staff,,a,,p1
`

func TestRosterRoundTrip(t *testing.T) {
	e := newEnv(t)
	e.mustImportGrids(t, police, threeGrids)
	ctx := t.Context()
	if _, err := e.roster.ImportWatchPosts(ctx, &gridwatchv1.ImportWatchPostsRequest{Data: testPosts}); err != nil {
		t.Fatalf("ImportWatchPosts: %v", err)
	}
	if _, err := e.roster.ImportCompounds(ctx, &gridwatchv1.ImportCompoundsRequest{Data: testCompounds}); err != nil {
		t.Fatalf("ImportCompounds: %v", err)
	}
	resp, err := e.roster.ImportResponders(ctx, &gridwatchv1.ImportRespondersRequest{Data: testResponders})
	if err != nil || resp.GetResponderCount() != 4 {
		t.Fatalf("ImportResponders: got %v, %v, want 4 responders", resp, err)
	}

	r4, err := e.roster.GetResponder(ctx, &gridwatchv1.GetResponderRequest{Name: "responders/r4"})
	if err != nil {
		t.Fatalf("GetResponder: %v", err)
	}
	want := &gridwatchv1.Responder{Name: "responders/r4", DisplayName: "赵六",
		Kind: gridwatchv1.ResponderKind_RESPONDER_KIND_WATCH_POST_STAFF, TravelMode: r4.GetTravelMode(),
		HomeGrid: "policeGrids/a", WatchPost: "watchPosts/p1"}
	if !proto.Equal(r4, want) {
		t.Errorf("responder: got %v, want %v", r4, want)
	}

	posts, err := e.roster.ListWatchPosts(ctx, &gridwatchv1.ListWatchPostsRequest{})
	if err != nil || len(posts.GetWatchPosts()) != 2 {
		t.Fatalf("ListWatchPosts: got %v, %v, want 2 posts", posts, err)
	}
	if got := posts.GetWatchPosts()[0].GetStaffedHours(); got != "07:00-12:00,14:00-22:00" {
		t.Errorf("staffed hours: got %q", got)
	}

	short, err := e.roster.ListUnderstaffedCompounds(ctx, &gridwatchv1.ListUnderstaffedCompoundsRequest{})
	if err != nil {
		t.Fatalf("ListUnderstaffedCompounds: %v", err)
	}
	var got []string
	for _, c := range short.GetCompounds() {
		got = append(got, c.GetCompound().GetName())
		if c.GetRequired() != 2 {
			t.Errorf("required: got %d, want 2", c.GetRequired())
		}
	}
	if wantNames := []string{"compounds/c2", "compounds/c3"}; !slices.Equal(got, wantNames) {
		t.Errorf("understaffed: got %q, want %q", got, wantNames)
	}
}

func TestListRespondersPaging(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	e.mustImportGrids(t, police, threeGrids)
	for _, err := range []error{
		ignore(e.roster.ImportWatchPosts(ctx, &gridwatchv1.ImportWatchPostsRequest{Data: testPosts})),
		ignore(e.roster.ImportCompounds(ctx, &gridwatchv1.ImportCompoundsRequest{Data: testCompounds})),
		ignore(e.roster.ImportResponders(ctx, &gridwatchv1.ImportRespondersRequest{Data: testResponders})),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	tok := ""
	for range 10 {
		resp, err := e.roster.ListResponders(ctx, &gridwatchv1.ListRespondersRequest{PageSize: 3, PageToken: tok})
		if err != nil {
			t.Fatalf("ListResponders: %v", err)
		}
		for _, r := range resp.GetResponders() {
			got = append(got, r.GetName())
		}
		if tok = resp.GetNextPageToken(); tok == "" {
			break
		}
	}
	want := []string{"responders/r1", "responders/r2", "responders/r3", "responders/r4"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// ignore drops a response, keeping the error.
func ignore[T any](_ T, err error) error { return err }
