// Command pulumi-language-nodejs runs Pulumi programs written in TypeScript or JavaScript the way
// the upstream host does: `node [nodeargs] <@pulumi/pulumi>/cmd/run <flags> <program>`, where
// cmd/run is the runner of the @pulumi/pulumi the program itself installed (found from the program
// directory up, as Node.js resolves it). TypeScript goes through the ts-node that @pulumi/pulumi
// loads (its vendored copy unless the program has its own) with the program's `typescript`.
//
// Pulumi.yaml runtime options read: typescript (default true), tsconfig, nodeargs. It never
// installs packages: InstallDependencies only checks @pulumi/pulumi is there.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"

	"github.com/sandbox-provider/tools/langhosts/internal/host"
)

const name = "pulumi-language-nodejs"

type nodeHost struct{ host.Base }

func main() {
	h := &nodeHost{host.Base{Name: name}}
	host.Serve(&h.Base, h)
}

// runner finds node_modules/@pulumi/pulumi/cmd/run from dir upwards.
func runner(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		candidate := filepath.Join(d, "node_modules", "@pulumi", "pulumi", "cmd", "run")
		if _, err := os.Stat(filepath.Join(candidate, "index.js")); err == nil {
			return candidate, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no @pulumi/pulumi in node_modules from %s up: "+
				"run `npm install` in the program directory", abs)
		}
	}
}

func (h *nodeHost) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	_ grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetDirectory() //nolint:staticcheck // older engines send only this
	}
	_, err := runner(dir)
	return err
}

func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	dir := host.ProgramDir(req)
	run, err := runner(dir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := strings.Fields(host.Option(info, "nodeargs"))
	args = append(args, run)
	flag := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k+"="+v)
		}
	}
	flag("monitor", req.GetMonitorAddress())
	flag("engine", h.EngineAddress)
	flag("project", req.GetProject())
	flag("stack", req.GetStack())
	flag("organization", req.GetOrganization())
	flag("root-directory", info.GetRootDirectory())
	flag("pwd", dir)
	flag("parallel", strconv.Itoa(int(req.GetParallel())))
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	// "." lets cmd/run take the entry point from package.json (main/exports), as upstream.
	program := info.GetEntryPoint()
	if program == "" {
		program = "."
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	config, err := host.ConfigEnv(req)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), config...)
	typescript := true
	if v := info.GetOptions().GetFields()["typescript"]; v != nil {
		typescript = v.GetBoolValue()
	}
	cmd.Env = append(cmd.Env, "PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(typescript))
	if ts := host.Option(info, "tsconfig"); ts != "" {
		cmd.Env = append(cmd.Env, "PULUMI_NODEJS_TSCONFIG_PATH="+ts)
	}
	return host.RunProgram(cmd), nil
}
