package auth

import "testing"

// BenchmarkVerify measures the check of one access token.
func BenchmarkVerify(b *testing.B) {
	v := testRing(b).Verifier()
	tok := token(b, validClaims())
	for b.Loop() {
		if _, _, err := v.VerifyAt(tok, testNow); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyUncached measures the full check, signature included.
func BenchmarkVerifyUncached(b *testing.B) {
	v := testRing(b).Verifier()
	tok := token(b, validClaims())
	for b.Loop() {
		v.cache = verifiedCache{}
		if _, _, err := v.VerifyAt(tok, testNow); err != nil {
			b.Fatal(err)
		}
	}
}
