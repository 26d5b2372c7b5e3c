package api

import (
	"context"
	"slices"
	"testing"

	"google.golang.org/grpc/metadata"

	"github.com/gridwatch/gridwatch/auth"
)

func TestRoleFromMetadata(t *testing.T) {
	tests := []struct {
		name string
		md   metadata.MD // nil: no metadata at all
		want Role
	}{
		{"no metadata", nil, RoleAdmin},
		{"no role", metadata.Pairs("x-request-id", "1"), RoleAdmin},
		{"dispatcher", metadata.Pairs(RoleMetadataKey, "dispatcher"), RoleDispatcher},
		{"case and space", metadata.Pairs(RoleMetadataKey, " Dispatcher "), RoleDispatcher},
		{"officer", metadata.Pairs(RoleMetadataKey, "officer"), RoleOfficer},
		{"admin", metadata.Pairs(RoleMetadataKey, "admin"), RoleAdmin},
		{"volunteer", metadata.Pairs(RoleMetadataKey, "volunteer"), RoleVolunteer},
		{"unknown", metadata.Pairs(RoleMetadataKey, "chief"), RoleVolunteer},
		{"empty", metadata.Pairs(RoleMetadataKey, ""), RoleVolunteer},
		{"same twice", metadata.Pairs(RoleMetadataKey, "dispatcher", RoleMetadataKey, "dispatcher"), RoleDispatcher},
		{"disagreeing", metadata.Pairs(RoleMetadataKey, "dispatcher", RoleMetadataKey, "volunteer"), RoleVolunteer},
		{"unknown second", metadata.Pairs(RoleMetadataKey, "dispatcher", RoleMetadataKey, "x"), RoleVolunteer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.md != nil {
				ctx = metadata.NewIncomingContext(ctx, tt.md)
			}
			if got := roleFromMetadata(ctx); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRoleSeesPositions(t *testing.T) {
	tests := []struct {
		role Role
		want bool
	}{
		{RoleVolunteer, false},
		{RoleOfficer, false},
		{RoleDispatcher, true},
		{RoleAdmin, false},
		{Role(42), false},
	}
	for _, tt := range tests {
		if got := tt.role.SeesPositions(); got != tt.want {
			t.Errorf("%v.SeesPositions(): got %v, want %v", tt.role, got, tt.want)
		}
	}
}

func TestRoleFromPrincipal(t *testing.T) {
	if got := RoleFrom(context.Background()); got != RoleVolunteer {
		t.Errorf("no principal: got %v, want volunteer", got)
	}
	ctx := auth.NewContext(context.Background(), auth.Principal{Subject: "d1", Role: RoleDispatcher})
	if got := RoleFrom(ctx); got != RoleDispatcher {
		t.Errorf("dispatcher principal: got %v, want dispatcher", got)
	}
}

func TestPrincipalFromMetadata(t *testing.T) {
	tests := []struct {
		name string
		md   metadata.MD
		want auth.Principal
	}{
		{"role only", metadata.Pairs(RoleMetadataKey, "dispatcher"), auth.Principal{Role: RoleDispatcher}},
		{"dispatcher of two units", metadata.Pairs(RoleMetadataKey, "dispatcher", UnitsMetadataKey, "hp-st, hn-st",
			SubjectMetadataKey, "d1"), auth.Principal{Subject: "d1", Role: RoleDispatcher, Units: []string{"hp-st", "hn-st"}}},
		{"officer's grids over two values", metadata.Pairs(RoleMetadataKey, "officer", GridsMetadataKey, "a",
			GridsMetadataKey, "b,,"), auth.Principal{Role: RoleOfficer, Grids: []string{"a", "b"}}},
		{"two subjects, no role: an admin of none", metadata.Pairs(SubjectMetadataKey, "v1", SubjectMetadataKey, "v2"),
			auth.Principal{Role: RoleAdmin}},
	}
	for _, tt := range tests {
		got := principalFromMetadata(metadata.NewIncomingContext(context.Background(), tt.md))
		if got.Subject != tt.want.Subject || got.Role != tt.want.Role || !slices.Equal(got.Units, tt.want.Units) ||
			!slices.Equal(got.Grids, tt.want.Grids) {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
