/**
 * A user's installation, assembled in a temp dir as npm would leave it:
 *
 *   <root>/global/modelgate/            the gateway, installed globally (`npm i -g modelgate`): its
 *                                       package.json, bin/ and dist/ (this checkout, compiled)
 *   <root>/app/modelgate.yaml           the user's project: config ...
 *   <root>/app/node_modules/@modelgate/adapter-bentoml/   ... the adapter, from `npm pack` of packages/adapter-bentoml
 *   <root>/app/node_modules/modelgate/  ... its peer dependency, installed in the project by npm: a second copy
 *   <root>/app/node_modules/{yaml,zod}  ... and the adapter's dependencies
 *
 * So the gateway must find the adapter from the config file's directory (not beside itself), and the
 * adapter's typed errors come from another copy of modelgate/core than the gateway's.
 *
 * The gateway is compiled file by file with TypeScript's transpileModule, the files and options of
 * tsconfig.build.json (what `npm run build` emits, minus type checking, which `npm run typecheck`
 * does): a full `tsc` build takes minutes on a loaded machine.
 */
import { execFile } from "node:child_process";
import { copyFile, cp, mkdir, readFile, rename, symlink, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";

const execFileAsync = promisify(execFile);
export const REPO = resolve(import.meta.dirname, "../..");
const PACKAGE_DIR = join(REPO, "packages", "adapter-bentoml");

/** Compiles the gateway into `<dest>/dist` and lays it out as an installed package. */
export async function installGateway(dest: string): Promise<void> {
  const configPath = join(REPO, "tsconfig.build.json");
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, (p) => ts.sys.readFile(p)).config, ts.sys, REPO);
  // The package is "type": "module": every file is an ES module (transpileModule cannot see package.json).
  const options: ts.CompilerOptions = {
    ...parsed.options,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    sourceMap: false,
    declaration: false,
    noEmit: false,
  };
  for (const file of parsed.fileNames) {
    const out = join(dest, "dist", relative(REPO, file)).replace(/\.ts$/, ".js");
    const { outputText } = ts.transpileModule(await readFile(file, "utf8"), { compilerOptions: options, fileName: file });
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, outputText);
  }
  await mkdir(join(dest, "bin"), { recursive: true });
  await copyFile(join(REPO, "package.json"), join(dest, "package.json"));
  await copyFile(join(REPO, "bin", "modelgate.js"), join(dest, "bin", "modelgate.js"));
  // The gateway's own dependencies, as npm would have installed them under it.
  await symlink(join(REPO, "node_modules"), join(dest, "node_modules"), "dir");
}

/** Builds and packs the adapter package with its own scripts (`npm pack` runs `prepack`: the build). */
export async function packAdapter(dest: string): Promise<string> {
  await mkdir(dest, { recursive: true });
  const { stdout } = await execFileAsync("npm", ["pack", "--json", "--pack-destination", dest], {
    cwd: PACKAGE_DIR,
    timeout: 600_000,
    env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" },
  });
  const [info] = JSON.parse(stdout.slice(stdout.indexOf("["))) as { filename: string; files: { path: string }[] }[];
  return join(dest, info!.filename);
}

/** Unpacks a package tarball into `<nodeModules>/<name>`, as `npm install <tarball>` does. */
export async function installTarball(tarball: string, nodeModules: string, name: string): Promise<string> {
  const staging = join(nodeModules, ".staging");
  await mkdir(staging, { recursive: true });
  await execFileAsync("tar", ["-xzf", tarball, "-C", staging]);
  const target = join(nodeModules, name);
  await mkdir(dirname(target), { recursive: true });
  await rename(join(staging, "package"), target);
  return target;
}

/** A project with the adapter package and its dependencies installed; the gateway installed globally. */
export async function assembleInstallation(root: string): Promise<{ gatewayBin: string; app: string; adapterFiles: string[] }> {
  const gateway = join(root, "global", "modelgate");
  await installGateway(gateway);
  const app = join(root, "app");
  const nodeModules = join(app, "node_modules");
  const tarball = await packAdapter(join(root, "tarballs"));
  await installTarball(tarball, nodeModules, "@modelgate/adapter-bentoml");
  // The peer dependency: npm installs modelgate in the project too, a copy of its own.
  await cp(gateway, join(nodeModules, "modelgate"), { recursive: true, verbatimSymlinks: true });
  for (const dep of ["yaml", "zod"]) await symlink(join(REPO, "node_modules", dep), join(nodeModules, dep), "dir");
  const { stdout } = await execFileAsync("tar", ["-tzf", tarball]);
  return { gatewayBin: join(gateway, "bin", "modelgate.js"), app, adapterFiles: stdout.trim().split("\n").map((f) => relative("package", f)) };
}
