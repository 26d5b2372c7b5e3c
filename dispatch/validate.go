package dispatch

import "fmt"

// CheckOfferArgs validates the arguments of Store.Offer before an engine
// looks at any state; both engines call it so they reject the same input.
func CheckOfferArgs(o Offer, maxPending int) error {
	switch {
	case o.ID == "" || o.ResponderID == "":
		return fmt.Errorf("offer id and responder id: required: %w", ErrInvalid)
	case !o.ExpiresAt.After(o.OfferedAt):
		return fmt.Errorf("offer expires_at: not after offered_at: %w", ErrInvalid)
	case maxPending < 1:
		return fmt.Errorf("max pending %d: %w", maxPending, ErrInvalid)
	}
	return nil
}
