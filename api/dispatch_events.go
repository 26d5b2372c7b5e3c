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
//
// The watchers of one responder's events (every phone's WatchOffers) are
// indexed by responder, so an event costs the same however many phones
// are connected; the others (WatchIncidents) each see every event.
type Broadcaster struct {
	buffer int
	mu     sync.Mutex
	all    map[*watcher]struct{}            // watchers filtering every event
	byResp map[string]map[*watcher]struct{} // watchers of one responder
	n      int                              // open watchers
}

// watchItem is one event as streamed, shared read-only by every watcher.
type watchItem struct {
	event    *gridwatchv1.IncidentEvent
	incident *gridwatchv1.Incident
}

// watcher is one open Watch stream: of the events naming responder if
// that is set, else of the events match accepts.
type watcher struct {
	responder string
	match     func(inc *dispatch.Incident, ev dispatch.Event) bool
	ch        chan watchItem // closed when the watcher is dropped
}

// NewBroadcaster returns a broadcaster whose watchers may each fall buffer
// events behind (DefaultWatchBuffer if buffer <= 0).
func NewBroadcaster(buffer int) *Broadcaster {
	if buffer <= 0 {
		buffer = DefaultWatchBuffer
	}
	return &Broadcaster{buffer: buffer, all: map[*watcher]struct{}{}, byResp: map[string]map[*watcher]struct{}{}}
}

var _ dispatch.EventSink = (*Broadcaster)(nil)

// Publish implements dispatch.EventSink. The incident is converted once,
// and only if a watcher wants the event.
func (b *Broadcaster) Publish(_ context.Context, inc *dispatch.Incident, ev dispatch.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var item watchItem
	for w := range b.all {
		if w.match(inc, ev) {
			b.deliver(w, &item, inc, ev)
		}
	}
	if ev.ResponderID != "" {
		for w := range b.byResp[ev.ResponderID] {
			b.deliver(w, &item, inc, ev)
		}
	}
}

// deliver hands the event to w, converting it into *item on first use,
// or drops w if it is too far behind; b.mu is held.
func (b *Broadcaster) deliver(w *watcher, item *watchItem, inc *dispatch.Incident, ev dispatch.Event) {
	if item.event == nil {
		*item = watchItem{event: eventToProto(ev), incident: incidentToProto(inc)}
	}
	select {
	case w.ch <- *item:
	default: // too far behind: drop it rather than stall dispatch
		b.remove(w)
	}
}

// subscribe adds a watcher of the events match accepts.
func (b *Broadcaster) subscribe(match func(*dispatch.Incident, dispatch.Event) bool) *watcher {
	w := &watcher{match: match, ch: make(chan watchItem, b.buffer)}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.all[w] = struct{}{}
	b.n++
	return w
}

// subscribeResponder adds a watcher of the events naming the responder id.
func (b *Broadcaster) subscribeResponder(id string) *watcher {
	w := &watcher{responder: id, ch: make(chan watchItem, b.buffer)}
	b.mu.Lock()
	defer b.mu.Unlock()
	set := b.byResp[id]
	if set == nil {
		set = map[*watcher]struct{}{}
		b.byResp[id] = set
	}
	set[w] = struct{}{}
	b.n++
	return w
}

// unsubscribe removes w, if the broadcaster has not dropped it already.
func (b *Broadcaster) unsubscribe(w *watcher) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.remove(w)
}

// remove closes w and forgets it, if it is still subscribed; b.mu is held.
func (b *Broadcaster) remove(w *watcher) {
	set := b.all
	if w.responder != "" {
		set = b.byResp[w.responder]
	}
	if _, ok := set[w]; !ok {
		return
	}
	delete(set, w)
	if w.responder != "" && len(set) == 0 {
		delete(b.byResp, w.responder)
	}
	b.n--
	close(w.ch)
}

// Watchers returns the number of open watchers.
func (b *Broadcaster) Watchers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.n
}
