// Command gridwatch is the administrators' and operators' command line for
// a gridwatchd server: importing grids, units, posts, compounds and the
// roster, looking things up, shifts and the nearest responders, and load
// tests.
//
//	gridwatch grids import testdata/shenyang/districts.geojson --kind police --datum gcj02
//	gridwatch grids locate 41.7962 123.4510 -o json
//	gridwatch responders positions positions.csv
//	gridwatch responders nearest 41.7962 123.4510 --kind watch_volunteer -o json
//	gridwatch load ingest --streams 8 --duration 10s
//
// --server (or GRIDWATCH_SERVER) names the server, 127.0.0.1:8080 by
// default; -o json prints one JSON object per call for scripts. --token (or
// GRIDWATCH_TOKEN) is the bearer token sent with every call; an admin
// issues tokens offline with the server's key files:
//
//	gridwatch token issue --data-dir ./gridwatch-data --sub d.wang --role dispatcher --unit hp
//
// --role (or GRIDWATCH_ROLE), dispatcher by default, is the role asserted
// as x-gridwatch-role metadata to a server whose authentication is off
// (gridwatchd -auth off); a server with authentication on ignores it.
//
// Calls go in plain text unless TLS is asked for: --tls trusts the system's
// CAs, --ca-cert FILE (GRIDWATCH_CA_CERT) trusts the CAs in FILE instead,
// --cert and --key (GRIDWATCH_CERT, GRIDWATCH_KEY) present a client
// certificate to a server that requires mutual TLS, and --server-name names
// the server's certificate when --server is an address it does not carry.
// Plain text to a server not on this machine draws a warning on stderr.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := realMain(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "gridwatch:", describe(err))
		if status.Code(err) == codes.Unauthenticated {
			fmt.Fprintln(os.Stderr, "gridwatch: pass a token with --token or GRIDWATCH_TOKEN (see gridwatch token issue --help)")
		}
		os.Exit(1)
	}
}

// realMain runs one command.
func realMain(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	root := newRoot(getenv)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	return root.ExecuteContext(ctx)
}

// describe renders a gRPC status as "Code: message".
func describe(err error) string {
	if s, ok := status.FromError(err); ok {
		return fmt.Sprintf("%s: %s", s.Code(), s.Message())
	}
	return err.Error()
}
