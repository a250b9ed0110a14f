// Command pulumi-language-go runs Pulumi programs written in Go: Run builds the program directory
// with `go build` (or takes the prebuilt binary named by Pulumi.yaml's `runtime.options.binary`)
// and starts it with the settings the Go SDK reads from its environment (sdk/go/pulumi/run.go).
// GOFLAGS, GOPROXY and the rest of the Go environment are the engine's, as a user set them.
package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"

	"github.com/sandbox-provider/tools/langhosts/internal/host"
)

const name = "pulumi-language-go"

type goHost struct{ host.Base }

func main() {
	h := &goHost{host.Base{Name: name}}
	host.Serve(&h.Base, h)
}

// InstallDependencies does nothing: `go build` fetches what go.mod requires.
func (h *goHost) InstallDependencies(*pulumirpc.InstallDependenciesRequest,
	grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	return nil
}

func (h *goHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	dir := host.ProgramDir(req)
	program := host.Option(req.GetInfo(), "binary")
	if program != "" && !filepath.IsAbs(program) {
		program = filepath.Join(dir, program)
	}
	if program == "" {
		tmp, err := os.MkdirTemp("", "pulumi-go.")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		program = filepath.Join(tmp, "program")
		build := exec.CommandContext(ctx, "go", "build", "-o", program, ".")
		build.Dir = dir
		var out bytes.Buffer
		build.Stdout, build.Stderr = &out, &out
		if err := build.Run(); err != nil {
			// The compiler's messages are what the user needs; the engine shows Error as is.
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("go build failed in %s: %v\n%s", dir, err, out.String()),
			}, nil
		}
	}

	config, err := host.ConfigEnv(req)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, program, req.GetArgs()...)
	cmd.Dir = req.GetPwd()
	cmd.Env = append(os.Environ(), config...)
	cmd.Env = append(cmd.Env,
		"PULUMI_MONITOR="+req.GetMonitorAddress(),
		"PULUMI_ENGINE="+h.EngineAddress,
		"PULUMI_PROJECT="+req.GetProject(),
		"PULUMI_STACK="+req.GetStack(),
		"PULUMI_ORGANIZATION="+req.GetOrganization(),
		"PULUMI_ROOT_DIRECTORY="+req.GetInfo().GetRootDirectory(),
		"PULUMI_DRY_RUN="+strconv.FormatBool(req.GetDryRun()),
		"PULUMI_PARALLEL="+strconv.Itoa(int(req.GetParallel())),
	)
	return host.RunProgram(cmd), nil
}
