package main

import (
	"context"
	"fmt"
	"io"
	"time"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

// maxMessage is the largest message the CLI sends or accepts.
const maxMessage = 64 << 20

// app holds the global flags and the connection of one invocation.
type app struct {
	server  string
	output  string
	role    string
	token   string
	timeout time.Duration
	tls     transport
	stderr  io.Writer
	conn    *grpc.ClientConn
}

func newRoot(getenv func(string) string) *cobra.Command {
	a := &app{stderr: io.Discard}
	root := &cobra.Command{
		Use:           "gridwatch",
		Short:         "Administer and query a gridwatchd server",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			a.stderr = cmd.ErrOrStderr()
			if a.output != "json" && a.output != "table" {
				return fmt.Errorf("-o %q: want json or table", a.output)
			}
			return checkRole(a.role)
		},
		PersistentPostRun: func(*cobra.Command, []string) { a.close() },
	}
	server := getenv("GRIDWATCH_SERVER")
	if server == "" {
		server = "127.0.0.1:8080"
	}
	output := getenv("GRIDWATCH_OUTPUT")
	if output == "" {
		output = "table"
	}
	root.PersistentFlags().StringVar(&a.server, "server", server, "gridwatchd address (env GRIDWATCH_SERVER)")
	root.PersistentFlags().StringVarP(&a.output, "output", "o", output, "output format: table or json (env GRIDWATCH_OUTPUT)")
	root.PersistentFlags().DurationVar(&a.timeout, "timeout", 2*time.Minute, "deadline of each call")
	root.PersistentFlags().StringVar(&a.token, "token", getenv("GRIDWATCH_TOKEN"), tokenUsage)
	root.PersistentFlags().StringVar(&a.role, "role", orDefault(getenv("GRIDWATCH_ROLE"), defaultRole), roleUsage)
	a.tls.flags(root, getenv)
	root.AddCommand(a.gridsCmd(), a.unitsCmd(), a.postsCmd(), a.compoundsCmd(), a.respondersCmd(), a.loadCmd(),
		a.incidentsCmd(), a.auditCmd(), a.tokenCmd(getenv))
	return root
}

// dial connects lazily, once.
func (a *app) dial() (*grpc.ClientConn, error) {
	if a.conn != nil {
		return a.conn, nil
	}
	creds, err := a.tls.credentials()
	if err != nil {
		return nil, err
	}
	a.tls.warnPlainText(a.stderr, a.server)
	conn, err := grpc.NewClient(a.server,
		grpc.WithTransportCredentials(creds),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMessage), grpc.MaxCallSendMsgSize(maxMessage)))
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", a.server, err)
	}
	a.conn = conn
	return conn, nil
}

func (a *app) close() {
	if a.conn != nil {
		_ = a.conn.Close()
	}
}

func (a *app) grids() (gridwatchv1.GridServiceClient, error) {
	conn, err := a.dial()
	if err != nil {
		return nil, err
	}
	return gridwatchv1.NewGridServiceClient(conn), nil
}

func (a *app) roster() (gridwatchv1.RosterServiceClient, error) {
	conn, err := a.dial()
	if err != nil {
		return nil, err
	}
	return gridwatchv1.NewRosterServiceClient(conn), nil
}

func (a *app) presence() (gridwatchv1.PresenceServiceClient, error) {
	conn, err := a.dial()
	if err != nil {
		return nil, err
	}
	return gridwatchv1.NewPresenceServiceClient(conn), nil
}

// call gives each RPC the --timeout deadline and the credentials.
func (a *app) call(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	return context.WithTimeout(a.withCredentials(cmd.Context()), a.timeout)
}

// unary dials a service's client, makes one call with the --timeout
// deadline and prints the reply: as JSON with -o json, else with table.
func unary[C any, M proto.Message](a *app, cmd *cobra.Command, client func() (C, error),
	call func(context.Context, C) (M, error), table func(io.Writer, M)) error {
	cl, err := client()
	if err != nil {
		return err
	}
	ctx, cancel := a.call(cmd)
	defer cancel()
	m, err := call(ctx, cl)
	if err != nil {
		return err
	}
	return a.emit(cmd, m, func(w io.Writer) { table(w, m) })
}
