package geo

import (
	"os"
	"testing"
)

// BenchmarkDecodeShenyang decodes the real file. "file" stops at the first
// invalid district (features[1]); "per-feature" decodes each of the 13
// districts as its own collection, so every ring is parsed, normalised
// and checked.
func BenchmarkDecodeShenyang(b *testing.B) {
	data, err := os.ReadFile(shenyangFile)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("file", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := DecodeFeatureCollection(data, DecodeOptions{}); err == nil {
				b.Fatal("file decoded without error")
			}
		}
	})
	var each [][]byte
	size := 0
	for _, f := range readShenyang(b) {
		each = append(each, collection(string(f.JSON)))
		size += len(each[len(each)-1])
	}
	b.Run("per-feature", func(b *testing.B) {
		b.SetBytes(int64(size))
		for b.Loop() {
			for _, d := range each {
				_, _ = DecodeFeatureCollection(d, DecodeOptions{})
			}
		}
	})
}

func BenchmarkToWGS84GCJ02(b *testing.B) {
	p := FromWGS84(GCJ02, LatLng{41.80, 123.43})
	var sink LatLng
	for b.Loop() {
		sink = ToWGS84(GCJ02, p)
	}
	_ = sink
}

func BenchmarkFromWGS84GCJ02(b *testing.B) {
	p := LatLng{41.80, 123.43}
	for b.Loop() {
		_ = FromWGS84(GCJ02, p)
	}
}

func BenchmarkValidateRing(b *testing.B) {
	r := circle(41.8, 123.4, 0.2, 5000)
	for b.Loop() {
		if err := ValidateRing("r", r); err != nil {
			b.Fatal(err)
		}
	}
}
