// Command aep-sdkgen writes the aep provider's SDKs from its schema with Pulumi's own code
// generators (github.com/pulumi/pulumi/pkg/v3/codegen), for the languages whose language hosts the
// Go module proxy does not serve (so `pulumi package gen-sdk` cannot ask them): Node.js and Go, and
// Python too, from the same code path.
//
//	aep-sdkgen SCHEMA.json OUT_DIR LANGUAGE...   (LANGUAGE: nodejs, go, python)
//
// Each language is written to OUT_DIR/LANGUAGE, replacing what was there.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "aep-sdkgen"

// noLoader: the aep schema references no other package, so any load is a mistake in the schema.
type noLoader struct{}

func (noLoader) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema references package %q; aep-sdkgen loads no other package", pkg)
}

func (noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema references package %q; aep-sdkgen loads no other package", d.Name)
}

func (l noLoader) LoadPackageReference(pkg string, v *semver.Version) (schema.PackageReference, error) {
	return nil, errors.New("no package references: " + pkg)
}

func (l noLoader) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, errors.New("no package references: " + d.Name)
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, tool+": "+format+"\n", a...)
	os.Exit(1)
}

func main() {
	if len(os.Args) < 4 {
		fail("usage: %s SCHEMA.json OUT_DIR LANGUAGE...", tool)
	}
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail("%v", err)
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		fail("%s is not a package schema: %v", os.Args[1], err)
	}
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{})
	if err != nil {
		fail("binding the schema: %v", err)
	}
	if diags.HasErrors() {
		fail("the schema is invalid: %v", diags)
	}
	for _, lang := range os.Args[3:] {
		var files map[string][]byte
		switch lang {
		case "nodejs":
			files, err = nodejs.GeneratePackage(tool, pkg, nil, nil, false, noLoader{})
		case "go":
			files, err = gogen.GeneratePackage(tool, pkg, nil)
		case "python":
			files, err = python.GeneratePackage(tool, pkg, nil, noLoader{})
		default:
			fail("unknown language %q (nodejs, go, python)", lang)
		}
		if err != nil {
			fail("generating %s: %v", lang, err)
		}
		dir := filepath.Join(os.Args[2], lang)
		if err := os.RemoveAll(dir); err != nil {
			fail("%v", err)
		}
		for name, body := range files {
			path := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				fail("%v", err)
			}
			if err := os.WriteFile(path, body, 0o644); err != nil {
				fail("%v", err)
			}
		}
		fmt.Printf("%s: %d files in %s\n", lang, len(files), dir)
	}
}
