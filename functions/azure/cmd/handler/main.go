// Command handler is Tracegrid's Azure Functions custom handler: the Functions
// host starts it, then POSTs each invocation of AciEvent (eventGridTrigger)
// and AciScan (timerTrigger) to http://127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT/<function>.
package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tracegrid/tracegrid/functions/azure"
	"github.com/tracegrid/tracegrid/shared/redact"
)

func main() {
	log := slog.New(redact.Handler(slog.NewJSONHandler(os.Stdout, nil)))
	if err := run(log); err != nil {
		log.Error("handler stopped", slog.String("error", err.Error()))
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	port := os.Getenv("FUNCTIONS_CUSTOMHANDLER_PORT")
	if port == "" {
		port = "8080"
	}
	h, err := azure.FromEnv(log)
	if err != nil {
		return err
	}
	// The host calls http://127.0.0.1:<port>/<function> (WorkerConstants.HostName
	// in azure-functions-host); nothing else needs to reach the handler.
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Info("listening", slog.String("addr", ln.Addr().String()))
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
