package api

import (
	"context"
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
