package redis

import (
	"encoding/binary"
	"fmt"

	"github.com/uber/h3-go/v4"
)

// packCells packs cells as little-endian uint64s, 8 bytes each.
func packCells(cells []h3.Cell) []byte {
	b := make([]byte, 0, 8*len(cells))
	for _, c := range cells {
		b = binary.LittleEndian.AppendUint64(b, uint64(c))
	}
	return b
}

// unpackCells reverses packCells.
func unpackCells(b []byte) ([]h3.Cell, error) {
	if len(b)%8 != 0 {
		return nil, fmt.Errorf("cell list of %d bytes, not a multiple of 8", len(b))
	}
	cells := make([]h3.Cell, len(b)/8)
	for i := range cells {
		cells[i] = h3.Cell(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return cells, nil
}
