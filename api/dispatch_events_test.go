package api

import (
	"context"
	"slices"
	"testing"

	"github.com/gridwatch/gridwatch/dispatch"
)

func TestBroadcaster(t *testing.T) {
	b := NewBroadcaster(2)
	ctx := context.Background()
	inc := &dispatch.Incident{ID: "i1"}
	all := b.subscribe(func(*dispatch.Incident, dispatch.Event) bool { return true })
	w1 := b.subscribe(func(_ *dispatch.Incident, ev dispatch.Event) bool { return ev.ResponderID == "w1" })
	b.Publish(ctx, inc, dispatch.Event{Seq: 1, Type: dispatch.EventCreated})
	b.Publish(ctx, inc, dispatch.Event{Seq: 2, Type: dispatch.EventOffered, ResponderID: "w1"})
	if got := (<-w1.ch).event.GetSequence(); got != 2 {
		t.Errorf("w1 got event %d, want 2", got)
	}
	if n := b.Watchers(); n != 2 {
		t.Fatalf("watchers: %d, want 2", n)
	}
	b.Publish(ctx, inc, dispatch.Event{Seq: 3}) // all is full (2 unread): dropped
	if n := b.Watchers(); n != 1 {
		t.Fatalf("watchers after overflow: %d, want 1", n)
	}
	var seqs []int32
	for it := range all.ch { // closed after its buffered events
		seqs = append(seqs, it.event.GetSequence())
	}
	if len(seqs) != 2 || seqs[0] != 1 || seqs[1] != 2 {
		t.Errorf("dropped watcher read %v, want [1 2]", seqs)
	}
	b.unsubscribe(all) // already dropped: no double close
	b.unsubscribe(w1)
	if _, ok := <-w1.ch; ok || b.Watchers() != 0 {
		t.Errorf("w1 still open")
	}
	b.Publish(ctx, inc, dispatch.Event{Seq: 4}) // nobody watching
}

// TestBroadcasterResponders checks the watchers of one responder: each
// sees exactly the events naming it, a full one is dropped alone, and
// unsubscribing forgets it.
func TestBroadcasterResponders(t *testing.T) {
	b := NewBroadcaster(2)
	ctx := context.Background()
	inc := &dispatch.Incident{ID: "i1"}
	w1a, w1b, w2 := b.subscribeResponder("w1"), b.subscribeResponder("w1"), b.subscribeResponder("w2")
	for i, r := range []string{"", "w1", "w2", "w3", "w1"} {
		b.Publish(ctx, inc, dispatch.Event{Seq: i + 1, Type: dispatch.EventOffered, ResponderID: r})
	}
	if n := b.Watchers(); n != 3 {
		t.Fatalf("watchers: %d, want 3", n)
	}
	b.unsubscribe(w1b)
	b.Publish(ctx, inc, dispatch.Event{Seq: 6, ResponderID: "w1"}) // w1a is full (2 unread): dropped
	tests := []struct {
		name     string
		w        *watcher
		want     []int32
		wantOpen bool
	}{
		{"w1a, dropped", w1a, []int32{2, 5}, false},
		{"w1b, unsubscribed", w1b, []int32{2, 5}, false},
		{"w2", w2, []int32{3}, true},
	}
	for _, tt := range tests {
		got, open := buffered(tt.w)
		if !slices.Equal(got, tt.want) || open != tt.wantOpen {
			t.Errorf("%s: read %v, open %v; want %v, open %v", tt.name, got, open, tt.want, tt.wantOpen)
		}
	}
	b.unsubscribe(w1a) // already dropped: no double close
	b.unsubscribe(w2)
	if n, m := b.Watchers(), len(b.byResp); n != 0 || m != 0 {
		t.Errorf("after unsubscribing: %d watchers, %d responders indexed, want 0 and 0", n, m)
	}
}

// buffered reads the events waiting for w and reports whether w is still
// open.
func buffered(w *watcher) (seqs []int32, open bool) {
	for {
		select {
		case it, ok := <-w.ch:
			if !ok {
				return seqs, false
			}
			seqs = append(seqs, it.event.GetSequence())
		default:
			return seqs, true
		}
	}
}
