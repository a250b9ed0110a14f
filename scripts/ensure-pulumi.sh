#!/usr/bin/env bash
# Ensure a working `pulumi` CLI (v3.259.0, matching the pinned Python SDK) and print its absolute
# path as the LAST line of stdout. Progress goes to stderr.
#
#   1. `pulumi` on PATH at v3.259.0 or newer            -> use it
#   2. a complete cached build (marker file present)     -> use it
#   3. otherwise build it from the Go module proxy into the cache (a few minutes with a warm Go
#      build cache, longer cold), with the Python language host and the dynamic-provider plugin
#      beside the binary. Only the Go module proxy is contacted (no vendor downloads).
#
# Why a build: the vendor's installer and release downloads are not reachable from our machines;
# the Go module proxy is. The upstream Python language host module
# (github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3) is NOT served by the proxy
# (403 for every version), so a small language host of our own (embedded below) is built against
# the same pkg/sdk v3.259.0 modules. See docs/pulumi-engine.md.
#
# Environment:
#   XDG_CACHE_HOME / HOME        cache root (default ~/.cache/sandbox-provider/pulumi)
#   PULUMI_BUILD_JOBS            go build -p (default: number of CPUs)
#   SANDBOX_PULUMI_FORCE_BUILD=1 ignore a pulumi on PATH and rebuild even if cached
set -euo pipefail

PULUMI_VERSION="3.259.0"
# Bump when the build recipe (or the embedded language host) changes: older caches are rebuilt.
RECIPE="3"
PKG_MODULE="github.com/pulumi/pulumi/pkg/v3"
SDK_MODULE="github.com/pulumi/pulumi/sdk/v3"

CACHE_ROOT="${XDG_CACHE_HOME:-${HOME:?neither XDG_CACHE_HOME nor HOME is set}/.cache}/sandbox-provider/pulumi"
DEST="$CACHE_ROOT/v$PULUMI_VERSION"
MARKER="$DEST/.complete"
MARKER_TEXT="pulumi v$PULUMI_VERSION recipe $RECIPE"

log() { printf 'ensure-pulumi: %s\n' "$*" >&2; }
die() {
    printf 'ensure-pulumi: ERROR: %s\n' "$*" >&2
    exit 1
}

# version_ge A B: true when version A >= B (both without a leading v).
version_ge() {
    [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}

cache_ok() {
    [ -f "$MARKER" ] && [ "$(cat "$MARKER" 2>/dev/null)" = "$MARKER_TEXT" ] &&
        [ -x "$DEST/bin/pulumi" ] && [ -x "$DEST/bin/pulumi-language-python" ] &&
        [ -x "$DEST/bin/pulumi-language-python-exec" ] &&
        [ -x "$DEST/bin/pulumi-resource-pulumi-python" ] &&
        # ~0.15 s; catches a binary damaged or replaced after the build.
        [ "$("$DEST/bin/pulumi" version 2>/dev/null | head -n 1 | tr -d '[:space:]')" = "v$PULUMI_VERSION" ]
}

# The whole run is one function, so bash parses it completely before running it: editing this
# file while a build runs cannot derail the running copy.
main() {
# --- 1. pulumi on PATH -------------------------------------------------------------------------
if [ "${SANDBOX_PULUMI_FORCE_BUILD:-0}" != "1" ] && command -v pulumi >/dev/null 2>&1; then
    on_path="$(command -v pulumi)"
    on_path="$(readlink -f "$on_path" 2>/dev/null || echo "$on_path")"
    have="$("$on_path" version 2>/dev/null | head -n 1 | tr -d '[:space:]' || true)"
    have="${have#v}"
    if [ -n "$have" ] && version_ge "${have%%[-+]*}" "$PULUMI_VERSION"; then
        log "using pulumi v$have from PATH"
        echo "$on_path"
        exit 0
    fi
    log "pulumi on PATH is v${have:-unknown} (need >= v$PULUMI_VERSION); ignoring it"
fi

# --- 2. cached build ---------------------------------------------------------------------------
if [ "${SANDBOX_PULUMI_FORCE_BUILD:-0}" != "1" ] && cache_ok; then
    log "using cached build in $DEST"
    echo "$DEST/bin/pulumi"
    exit 0
fi

# --- 3. build from the Go module proxy ---------------------------------------------------------
if ! command -v go >/dev/null 2>&1; then
    die "no pulumi >= v$PULUMI_VERSION on PATH, no cached build in $DEST, and no Go toolchain to build one.
Install Go >= 1.25 (https://go.dev/doc/install) and re-run, or install the Pulumi CLI from the vendor
where its site is reachable:  curl -fsSL https://get.pulumi.com | sh"
fi

mkdir -p "$CACHE_ROOT" || die "cannot create cache directory $CACHE_ROOT"

# One build at a time per cache; a second caller waits, then finds the cache ready.
exec 9>"$CACHE_ROOT/.lock"
if command -v flock >/dev/null 2>&1; then
    if ! flock -n 9; then
        log "another build holds $CACHE_ROOT/.lock; waiting for it"
        flock 9
    fi
fi
if [ "${SANDBOX_PULUMI_FORCE_BUILD:-0}" != "1" ] && cache_ok; then
    log "using cached build in $DEST (built by a concurrent run)"
    echo "$DEST/bin/pulumi"
    exit 0
fi

# Contact the module proxy only: drop the ",direct" fallback (which would reach the VCS host) and
# never download another Go toolchain.
goproxy="$(go env GOPROXY)"
goproxy="${goproxy%,direct}"
goproxy="${goproxy%|direct}"
case "$goproxy" in
    '' | direct | off) die "GOPROXY is '$(go env GOPROXY)'; a Go module proxy is needed to build pulumi" ;;
esac
export GOPROXY="$goproxy"
export GOTOOLCHAIN=local
export GOFLAGS="-mod=mod -buildvcs=false"

go_have="$(go env GOVERSION)"
go_have="${go_have#go}"

# We hold the lock: any build dir left here is from an interrupted run.
rm -rf "$CACHE_ROOT"/.build.* 2>/dev/null || true
TMP="$(mktemp -d "$CACHE_ROOT/.build.XXXXXX")" || die "cannot create a temp dir in $CACHE_ROOT"
BG_PID=""
cleanup() {
    if [ -n "$BG_PID" ]; then kill "$BG_PID" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

START=$SECONDS
log "building pulumi v$PULUMI_VERSION from the Go module proxy ($GOPROXY) with go $go_have"
log "this takes a few minutes (10-20 on a 2-CPU machine with a cold Go build cache); log: $TMP/build.log"

# module_dir MODULE VERSION: download through the proxy, print the extracted directory.
module_dir() {
    local out dir
    out="$(go mod download -json "$1@$2" 2>&1)" || true
    dir="$(printf '%s\n' "$out" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -n 1)"
    if [ -z "$dir" ] || [ ! -d "$dir" ]; then
        printf '%s\n' "$out" >&2
        die "could not download $1@$2 from the Go module proxy ($GOPROXY)"
    fi
    echo "$dir"
}

log "downloading $PKG_MODULE@v$PULUMI_VERSION and $SDK_MODULE@v$PULUMI_VERSION"
PKG_DIR="$(cd "$TMP" && module_dir "$PKG_MODULE" "v$PULUMI_VERSION")"
SDK_DIR="$(cd "$TMP" && module_dir "$SDK_MODULE" "v$PULUMI_VERSION")"

go_need="$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$PKG_DIR/go.mod" | head -n 1)"
if [ -n "$go_need" ] && ! version_ge "$go_have" "$go_need"; then
    die "pulumi v$PULUMI_VERSION needs Go >= $go_need, this machine has go $go_have"
fi

# pkg/go.mod replaces the sdk module with ../sdk: lay both out side by side, writable.
W="$TMP/src"
mkdir -p "$W"
cp -R "$PKG_DIR" "$W/pkg"
cp -R "$SDK_DIR" "$W/sdk"
chmod -R u+w "$W"

OUT="$TMP/v$PULUMI_VERSION"
mkdir -p "$OUT/bin"

# The Python language host (see the header for why it is ours). It lives inside the pkg module so
# that it builds against exactly the same pkg/sdk sources and dependency versions as the CLI.
LANGHOST_DIR="$W/pkg/cmd/pulumi-language-python"
mkdir -p "$LANGHOST_DIR"
cat >"$LANGHOST_DIR/main.go" <<'GO_EOF'
// Command pulumi-language-python is a minimal Pulumi language host for Python programs, written for
// sandbox_provider because the upstream host's Go module is not served by the module proxy we reach.
// It implements what `pulumi preview/up/refresh/destroy` need: Run starts the program through
// `pulumi-language-python-exec` (shipped in the sdk module, placed beside this binary) with the
// interpreter of the project's virtualenv (Pulumi.yaml runtime option `virtualenv`); RunPlugin starts
// Python policy packs (`--policy-pack DIR`) and Python source plugins from their own virtualenvs. It
// never creates virtualenvs or installs dependencies, and reports no plugin dependencies (the
// dynamic-provider plugin sits beside the pulumi binary).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/pkg/v3/codegen/hcl2/syntax"
	"github.com/pulumi/pulumi/pkg/v3/codegen/pcl"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Exit code the exec shim uses after it has already shown the user an actionable message.
const bailExitCode = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	execScript    string
	engineAddress string
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "pulumi-language-python: "+format+"\n", a...)
	os.Exit(1)
}

func main() {
	fs := flag.NewFlagSet(os.Args[0], flag.ContinueOnError)
	for _, name := range []string{"tracing", "root", "virtualenv", "typechecker", "toolchain"} {
		fs.String(name, "", "ignored")
	}
	_ = fs.Parse(os.Args[1:])

	self, err := os.Executable()
	if err != nil {
		fail("cannot locate own executable: %v", err)
	}
	if resolved, err := filepath.EvalSymlinks(self); err == nil {
		self = resolved
	}
	execScript := filepath.Join(filepath.Dir(self), "pulumi-language-python-exec")
	if _, err := os.Stat(execScript); err != nil {
		fail("missing executor %s: %v", execScript, err)
	}

	h := &host{execScript: execScript}
	if fs.NArg() > 0 {
		h.engineAddress = fs.Arg(fs.NArg() - 1) // the engine passes its address last
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		fail("could not start language host RPC server: %v", err)
	}
	fmt.Printf("%d\n", handle.Port) // the engine reads the port from our first stdout line
	if err := <-handle.Done; err != nil {
		fail("language host RPC stopped serving: %v", err)
	}
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: strings.TrimPrefix(version.Version, "v")}, nil
}

func (h *host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	srv grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	tc, err := resolveToolchain(req.GetInfo())
	if err != nil {
		return err
	}
	// Only checks the virtualenv: creating and filling it is the project's own set-up step.
	return tc.ValidateVenv(srv.Context())
}

func (h *host) RuntimeOptionsPrompts(context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *host) GetProgramDependencies(context.Context, *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	tc, err := resolveToolchain(req.GetInfo())
	if err != nil {
		return nil, err
	}
	info, err := tc.About(ctx)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: info.PythonExecutable, Version: info.PythonVersion.String()}, nil
}

func optionString(info *pulumirpc.ProgramInfo, key string) string {
	if v, ok := info.GetOptions().GetFields()[key]; ok {
		return v.GetStringValue()
	}
	return ""
}

func resolveToolchain(info *pulumirpc.ProgramInfo) (toolchain.Toolchain, error) {
	opts, err := pythonOptions(info)
	if err != nil {
		return nil, err
	}
	return toolchain.ResolveToolchain(opts)
}

// pythonOptions reads the runtime options of a program's or plugin's project file.
func pythonOptions(info *pulumirpc.ProgramInfo) (toolchain.PythonOptions, error) {
	opts := toolchain.PythonOptions{
		Root:       info.GetRootDirectory(),
		ProgramDir: info.GetProgramDirectory(),
		Virtualenv: optionString(info, "virtualenv"),
		Toolchain:  toolchain.Pip,
	}
	switch tc := optionString(info, "toolchain"); tc {
	case "", "pip":
	case "poetry":
		opts.Toolchain = toolchain.Poetry
	case "uv":
		opts.Toolchain = toolchain.Uv
	default:
		return opts, fmt.Errorf("unsupported python toolchain %q", tc)
	}
	return opts, nil
}

// GenerateProgram turns PCL into Python: what `pulumi import` asks for to write the code of what it
// imported (and `pulumi convert`). The same calls as the upstream hosts, over the engine's schema loader.
func (h *host) GenerateProgram(ctx context.Context, req *pulumirpc.GenerateProgramRequest,
) (*pulumirpc.GenerateProgramResponse, error) {
	loader, err := schema.NewLoaderClient(req.GetLoaderTarget())
	if err != nil {
		return nil, err
	}
	defer loader.Close()
	parser := syntax.NewParser()
	for path, contents := range req.GetSource() {
		if err := parser.ParseFile(strings.NewReader(contents), path); err != nil {
			return nil, err
		}
		if parser.Diagnostics.HasErrors() {
			return nil, parser.Diagnostics
		}
	}
	opts := []pcl.BindOption{pcl.PreferOutputVersionedInvokes}
	if !req.GetStrict() {
		opts = append(opts, pcl.NonStrictBindOptions()...)
	}
	program, diags, err := pcl.BindProgram(parser.Files, schema.NewCachedLoader(loader), opts...)
	if err != nil {
		return nil, err
	}
	rpcDiags := plugin.HclDiagnosticsToRPCDiagnostics(diags)
	if diags.HasErrors() || program == nil {
		return &pulumirpc.GenerateProgramResponse{Diagnostics: rpcDiags}, nil
	}
	files, diags, err := python.GenerateProgram(program)
	if err != nil {
		return nil, err
	}
	rpcDiags = append(rpcDiags, plugin.HclDiagnosticsToRPCDiagnostics(diags)...)
	return &pulumirpc.GenerateProgramResponse{Source: files, Diagnostics: rpcDiags}, nil
}

// GeneratePackage writes a Python SDK from a provider's schema (`pulumi package gen-sdk --language python`).
func (h *host) GeneratePackage(ctx context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	loader, err := schema.NewLoaderClient(req.GetLoaderTarget())
	if err != nil {
		return nil, err
	}
	defer loader.Close()
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.GetSchema()), &spec); err != nil {
		return nil, err
	}
	cached := schema.NewCachedLoader(loader)
	pkg, diags, err := schema.BindSpec(spec, cached, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, err
	}
	rpcDiags := plugin.HclDiagnosticsToRPCDiagnostics(diags)
	if diags.HasErrors() {
		return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiags}, nil
	}
	files, err := python.GeneratePackage("pulumi-language-python", pkg, req.GetExtraFiles(), cached)
	if err != nil {
		return nil, err
	}
	for name, body := range files {
		path := filepath.Join(req.GetDirectory(), name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, body, 0o644); err != nil {
			return nil, err
		}
	}
	return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiags}, nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	tc, err := resolveToolchain(info)
	if err != nil {
		return nil, err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := []string{"-u", h.execScript}
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress)
	add("project", req.GetProject())
	add("stack", req.GetStack())
	add("pwd", req.GetPwd())
	add("dry_run", strconv.FormatBool(req.GetDryRun()))
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("organization", req.GetOrganization())
	add("root_directory", info.GetRootDirectory())
	program := req.GetProgram()
	if info.GetEntryPoint() != "" && info.GetProgramDirectory() != "" {
		program = filepath.Join(info.GetProgramDirectory(), info.GetEntryPoint())
	}
	if program == "" {
		program = "."
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	cmd, err := tc.Command(ctx, args...)
	if err != nil {
		return nil, err
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	// A stack with no config at all sends none: the SDK's set_all_config needs an object, not null.
	configMap := req.GetConfig()
	if configMap == nil {
		configMap = map[string]string{}
	}
	config, err := json.Marshal(configMap)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	keys, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	cmd.Env = append(cmd.Env, "PULUMI_CONFIG="+string(config), "PULUMI_CONFIG_SECRET_KEYS="+string(keys))
	if req.GetPwd() != "" {
		cmd.Dir = req.GetPwd()
	}
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr

	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == bailExitCode {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Problem executing program (could not run %s): %v", cmd.Path, err),
		}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// RunPlugin starts a plugin written in Python from its directory: a policy pack (PulumiPolicy.yaml)
// or a source provider (PulumiPlugin.yaml). Like the upstream host: `python <dir> <args...>` when the
// directory has a __main__.py, else `python -m pulumi.run.plugin <project name> <args...>` for a
// buildable package; the interpreter is the plugin's own virtualenv (runtime option `virtualenv`,
// `venv` when left out: a plugin never runs on the ambient Python). Its output goes back through the
// stream, where the engine reads the port from the first stdout line; the exit code is sent last.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest,
	srv grpc.ServerStreamingServer[pulumirpc.RunPluginResponse],
) error {
	ctx := srv.Context()
	info := req.GetInfo()
	opts, err := pythonOptions(info)
	if err != nil {
		return err
	}
	if opts.Toolchain == toolchain.Pip && opts.Virtualenv == "" {
		opts.Virtualenv = "venv"
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return err
	}
	// Says which directory and how to make it, rather than a bare "no such file" from exec.
	if err := tc.ValidateVenv(ctx); err != nil {
		return err
	}

	dir := info.GetProgramDirectory()
	var cmd *exec.Cmd
	if _, statErr := os.Stat(filepath.Join(dir, "__main__.py")); statErr == nil {
		cmd, err = tc.Command(ctx, append([]string{dir}, req.GetArgs()...)...)
	} else if !os.IsNotExist(statErr) {
		return fmt.Errorf("looking for %s/__main__.py: %w", dir, statErr)
	} else {
		buildable, berr := toolchain.IsBuildablePackage(dir)
		if berr != nil {
			return fmt.Errorf("checking whether %s is a buildable package: %w", dir, berr)
		}
		if !buildable {
			return fmt.Errorf("the plugin in %s is not runnable: it has neither a __main__.py nor a "+
				"buildable pyproject.toml", dir)
		}
		pyproject, perr := toolchain.LoadPyproject(dir)
		if perr != nil {
			return fmt.Errorf("loading %s/pyproject.toml: %w", dir, perr)
		}
		args := append([]string{pyproject.Project.Name}, req.GetArgs()...)
		cmd, err = tc.ModuleCommand(ctx, "pulumi.run.plugin", args...)
	}
	if err != nil {
		return err
	}

	// The engine's environment (its own plus the plugin's additions) with the virtualenv activated
	// on top, so that the plugin's subprocesses find the venv's tools too.
	if env := req.GetEnv(); len(env) > 0 {
		cmd.Env = env
		if venv, verr := tc.VirtualEnvPath(ctx); verr == nil && venv != "" {
			cmd.Env = toolchain.ActivateVirtualEnv(env, venv)
		}
	}
	if req.GetPwd() != "" {
		cmd.Dir = req.GetPwd()
	}
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(srv, false)
	if err != nil {
		return err
	}
	defer closer.Close()
	cmd.Stdout, cmd.Stderr = stdout, stderr

	code := 0
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return fmt.Errorf("could not run the plugin in %s (%s): %w", dir, cmd.Path, err)
		}
		code = exitErr.ExitCode() // -1 when a signal ended it
	}
	if err := closer.Close(); err != nil {
		return err
	}
	return srv.Send(&pulumirpc.RunPluginResponse{
		Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}, //nolint:gosec // an exit code
	})
}
GO_EOF

JOBS="${PULUMI_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}"
LDFLAGS="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"

# go_build OUTPUT PACKAGE: run `go build` in the background with a heartbeat every 30 s.
go_build() {
    local out="$1" pkg="$2" t0=$SECONDS rc=0
    log "go build -p $JOBS -trimpath -tags osusergo,grpcnotrace -ldflags '$LDFLAGS' -o $(basename "$out") $pkg"
    (cd "$W/pkg" && exec go build -p "$JOBS" -trimpath -tags osusergo,grpcnotrace \
        -ldflags "$LDFLAGS" -o "$out" "$pkg") >>"$TMP/build.log" 2>&1 &
    BG_PID=$!
    while kill -0 "$BG_PID" 2>/dev/null; do
        sleep 5
        if kill -0 "$BG_PID" 2>/dev/null && [ $(((SECONDS - t0) % 30)) -lt 5 ]; then
            log "  ... still building $pkg ($((SECONDS - t0))s)"
        fi
    done
    wait "$BG_PID" || rc=$?
    BG_PID=""
    if [ "$rc" -ne 0 ]; then
        tail -n 40 "$TMP/build.log" >&2
        die "go build of $pkg failed (exit $rc); see the output above"
    fi
    log "  built $(basename "$out") in $((SECONDS - t0))s"
}

go_build "$OUT/bin/pulumi" ./cmd/pulumi
go_build "$OUT/bin/pulumi-language-python" ./cmd/pulumi-language-python

# Scripts from the sdk module zip (zips drop the executable bit).
cp "$W/sdk/python/cmd/pulumi-language-python-exec" "$OUT/bin/"
cp "$W/sdk/python/dist/pulumi-resource-pulumi-python" "$OUT/bin/"
chmod 755 "$OUT/bin/pulumi-language-python-exec" "$OUT/bin/pulumi-resource-pulumi-python"

# Verify before trusting: the CLI reports the version, the language host serves (prints its port).
got="$("$OUT/bin/pulumi" version 2>&1 | head -n 1 | tr -d '[:space:]')" || true
[ "$got" = "v$PULUMI_VERSION" ] || die "built pulumi reports version '$got', expected v$PULUMI_VERSION"
"$OUT/bin/pulumi-language-python" 127.0.0.1:1 >"$TMP/langhost.out" 2>&1 &
lh_pid=$!
port=""
for _ in $(seq 1 50); do
    port="$(head -n 1 "$TMP/langhost.out" 2>/dev/null || true)"
    case "$port" in '' | *[!0-9]*) port="" ;; *) break ;; esac
    sleep 0.2
done
kill "$lh_pid" 2>/dev/null || true
wait "$lh_pid" 2>/dev/null || true
[ -n "$port" ] || {
    cat "$TMP/langhost.out" >&2
    die "the built language host did not start"
}

echo "$MARKER_TEXT" >"$OUT/.complete"
# Atomic swap into place: a stale or incomplete $DEST is moved aside first, then removed.
if [ -e "$DEST" ]; then
    mv "$DEST" "$TMP/old"
fi
mv "$OUT" "$DEST" || die "could not move the build into $DEST"

log "pulumi v$PULUMI_VERSION ready in $DEST/bin ($((SECONDS - START))s)"
echo "$DEST/bin/pulumi"
}

main "$@"
