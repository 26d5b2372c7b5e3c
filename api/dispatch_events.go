package api

import (
	"context"
	"sync"

	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// DefaultWatchBuffer is how many events a watcher may fall behind before
// the broadcaster drops it.
const DefaultWatchBuffer = 256

// Broadcaster is the in-memory dispatch.EventSink behind the Watch
// streams: it hands each event to every watcher whose filter matches,
// without blocking the dispatch service. A watcher that falls more than
// its buffer behind is dropped (its stream ends RESOURCE_EXHAUSTED and the
// client reconnects, re-reading incidents with GetIncident). It reaches
// this process's watchers only; with several servers on one Redis,
// gridwatchd feeds it from the shared event stream (store/redis.Events)
// instead of from the dispatch service, so that its watchers see every
// server's events.
type Broadcaster struct {
	buffer int
	mu     sync.Mutex
	subs   map[*watcher]struct{}
}

// watchItem is one event as streamed, shared read-only by every watcher.
type watchItem struct {
	event    *gridwatchv1.IncidentEvent
	incident *gridwatchv1.Incident
}

// watcher is one open Watch stream.
type watcher struct {
	match func(inc *dispatch.Incident, ev dispatch.Event) bool
	ch    chan watchItem // closed when the watcher is dropped
}

// NewBroadcaster returns a broadcaster whose watchers may each fall buffer
// events behind (DefaultWatchBuffer if buffer <= 0).
func NewBroadcaster(buffer int) *Broadcaster {
	if buffer <= 0 {
		buffer = DefaultWatchBuffer
	}
	return &Broadcaster{buffer: buffer, subs: map[*watcher]struct{}{}}
}

var _ dispatch.EventSink = (*Broadcaster)(nil)

// Publish implements dispatch.EventSink. The incident is converted once,
// and only if a watcher wants the event.
func (b *Broadcaster) Publish(_ context.Context, inc *dispatch.Incident, ev dispatch.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var item watchItem
	for w := range b.subs {
		if !w.match(inc, ev) {
			continue
		}
		if item.event == nil {
			item = watchItem{event: eventToProto(ev), incident: incidentToProto(inc)}
		}
		select {
		case w.ch <- item:
		default: // too far behind: drop it rather than stall dispatch
			delete(b.subs, w)
			close(w.ch)
		}
	}
}

// subscribe adds a watcher of the events match accepts.
func (b *Broadcaster) subscribe(match func(*dispatch.Incident, dispatch.Event) bool) *watcher {
	w := &watcher{match: match, ch: make(chan watchItem, b.buffer)}
	b.mu.Lock()
	b.subs[w] = struct{}{}
	b.mu.Unlock()
	return w
}

// unsubscribe removes w, if the broadcaster has not dropped it already.
func (b *Broadcaster) unsubscribe(w *watcher) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.subs[w]; ok {
		delete(b.subs, w)
		close(w.ch)
	}
}

// Watchers returns the number of open watchers.
func (b *Broadcaster) Watchers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}
