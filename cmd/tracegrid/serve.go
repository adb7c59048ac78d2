package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"github.com/tracegrid/tracegrid/functions/azure"
	"github.com/tracegrid/tracegrid/functions/ecs"
	"github.com/tracegrid/tracegrid/functions/gke"
)

func serveCmd(args []string, stderr io.Writer) error {
	fs := newFlags("serve")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	mux, err := serveMux()
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	fmt.Fprintf(stderr, "tracegrid: serving on http://%s\n"+
		"  POST /ecs             an EventBridge ECS event\n"+
		"  POST /gke             a Pub/Sub CloudEvent (binary or structured)\n"+
		"  POST /azure/AciEvent  an Azure Functions custom-handler request (eventGridTrigger)\n"+
		"  POST /azure/AciScan   a timer request: scan the watched container groups\n", *addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// serveMux mounts the three function handlers on one mux.
func serveMux() (*http.ServeMux, error) {
	ecsH, err := ecs.LocalHandler()
	if err != nil {
		return nil, fmt.Errorf("ecs handler: %w", err)
	}
	gkeH, err := gke.LocalHandler()
	if err != nil {
		return nil, fmt.Errorf("gke handler: %w", err)
	}
	azureH, err := azure.LocalHandler()
	if err != nil {
		return nil, fmt.Errorf("azure handler: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/ecs", ecsH)
	mux.Handle("/gke", gkeH)
	mux.Handle("/azure/", http.StripPrefix("/azure", azureH))
	return mux, nil
}
