// Package host holds what our Go and Node.js language hosts share: serving the LanguageRuntime
// gRPC service the way the engine expects (port on the first stdout line), the RPCs neither host
// has anything to say to (no plugin dependencies, nothing to install), and running the program
// process with the settings of a RunRequest.
//
// They exist because the Go module proxy serves neither upstream host's module (403; see
// docs/pulumi-engine.md). They implement what `pulumi preview/up/refresh/destroy` need and no more.
package host

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// BailExitCode is the SDKs' exit status after they have already shown the user the error
// (constant.ExitStatusLoggedError in Go, nodeJSProcessExitedAfterLoggingUserActionableMessage in
// Node.js): the engine must then not print a second "program exited" error.
const BailExitCode = 32

// Base implements the RPCs both hosts answer the same way. A host embeds it and adds Run.
type Base struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	Name          string
	EngineAddress string
}

// Fail reports a start-up error and exits: there is no engine connection to report it over yet.
func Fail(name, format string, a ...any) {
	fmt.Fprintf(os.Stderr, name+": "+format+"\n", a...)
	os.Exit(1)
}

// Serve parses the engine's arguments, serves srv and prints the port. It returns when serving
// stops. The engine passes flags (--tracing, --root, --binary...) we accept and ignore, and its
// own address last.
func Serve(base *Base, srv pulumirpc.LanguageRuntimeServer) {
	fs := flag.NewFlagSet(os.Args[0], flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	for _, name := range []string{"tracing", "root", "binary", "buildTarget", "typescript",
		"tsconfig", "nodeargs", "packagemanager"} {
		fs.String(name, "", "ignored")
	}
	_ = fs.Parse(os.Args[1:])
	if fs.NArg() > 0 {
		base.EngineAddress = fs.Arg(fs.NArg() - 1)
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(s, srv)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		Fail(base.Name, "could not start the language host RPC server: %v", err)
	}
	fmt.Printf("%d\n", handle.Port) // the engine reads the port from our first stdout line
	if err := <-handle.Done; err != nil {
		Fail(base.Name, "the language host RPC server stopped: %v", err)
	}
}

func (b *Base) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		b.EngineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (b *Base) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: strings.TrimPrefix(version.Version, "v")}, nil
}

// GetRequiredPlugins is empty: provider plugins are found on PATH (or in the plugin cache), and
// automatic plugin acquisition is off where these hosts are used.
func (b *Base) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (b *Base) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (b *Base) RuntimeOptionsPrompts(context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (b *Base) GetProgramDependencies(context.Context, *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

func (b *Base) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	return &pulumirpc.AboutResponse{}, nil
}

// Option is a string runtime option of Pulumi.yaml (`runtime.options.<key>`), "" when unset.
func Option(info *pulumirpc.ProgramInfo, key string) string {
	if v, ok := info.GetOptions().GetFields()[key]; ok {
		return v.GetStringValue()
	}
	return ""
}

// ConfigEnv is PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS as both SDKs read them: JSON objects
// even when the stack has no config (null would not parse as one).
func ConfigEnv(req *pulumirpc.RunRequest) ([]string, error) {
	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	keys := req.GetConfigSecretKeys()
	if keys == nil {
		keys = []string{}
	}
	c, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	k, err := json.Marshal(keys)
	if err != nil {
		return nil, err
	}
	return []string{"PULUMI_CONFIG=" + string(c), "PULUMI_CONFIG_SECRET_KEYS=" + string(k)}, nil
}

// RunProgram runs cmd with the engine's stdout/stderr and turns its exit into a RunResponse:
// a program error is the response's Error (or Bail when the SDK already reported it), never an
// RPC error, as the engine expects.
func RunProgram(cmd *exec.Cmd) *pulumirpc.RunResponse {
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err := cmd.Run()
	if err == nil {
		return &pulumirpc.RunResponse{}
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		if exitErr.ExitCode() == BailExitCode {
			return &pulumirpc.RunResponse{Bail: true}
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
		}
	}
	return &pulumirpc.RunResponse{
		Error: fmt.Sprintf("Problem executing program (could not run %s): %v", cmd.Path, err),
	}
}

// ProgramDir is the directory the program lives in (Pulumi.yaml's `main`, else the project's).
func ProgramDir(req *pulumirpc.RunRequest) string {
	if d := req.GetInfo().GetProgramDirectory(); d != "" {
		return d
	}
	if req.GetPwd() != "" {
		return req.GetPwd()
	}
	return "."
}
