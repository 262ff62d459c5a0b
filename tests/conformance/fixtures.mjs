// The conformance suite's reference servers: where they are found, and their working copies in the
// build directory (the source folder is read-only): a reference (legacy/ or next/) copied, its npm
// dependencies installed with `npm ci` (again only when its package files change: a stamp file
// holds their hash), and the stdio variant generated next to it.
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const NPM_CI_TIMEOUT_MS = 300000;

/**
 * The folder holding the reference `name` (legacy or next) and make-stdio-variant.sh:
 * MCPGW_CONFORMANCE_DIR, else the one CI keeps beside the clone. Returns { dir } or
 * { missing: reason }.
 */
export function locateFixtures(repoRoot, name) {
  const fromEnv = process.env.MCPGW_CONFORMANCE_DIR;
  const dir = fromEnv ? path.resolve(fromEnv) : path.resolve(repoRoot, "..", "shared", "conformance");
  const needed = [`${name}/everything-server.ts`, `${name}/package-lock.json`, `${name}/loopback-only.mjs`,
    "make-stdio-variant.sh"];
  const absent = needed.filter((file) => !fs.existsSync(path.join(dir, file)));
  if (absent.length === 0) return { dir };
  const where = fromEnv ? `MCPGW_CONFORMANCE_DIR=${fromEnv}` : `the default ${dir} (set MCPGW_CONFORMANCE_DIR)`;
  return { missing: `the conformance suite's reference servers are not at ${where}: no ${absent.join(", ")}` };
}

function run(command, args, options, timeoutMs) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { ...options, timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${command} ${args.join(" ")} failed (${error.code ?? error.signal}):\n${stdout}${stderr}`));
        else resolve(stdout);
      });
  });
}

// Copies the files of src into dst (made writable: the source may be read-only), skipping
// node_modules.
function copyTree(src, dst) {
  fs.mkdirSync(dst, { recursive: true });
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const from = path.join(src, entry.name);
    const to = path.join(dst, entry.name);
    if (entry.isDirectory()) {
      copyTree(from, to);
    } else if (entry.isFile()) {
      fs.rmSync(to, { force: true });
      fs.copyFileSync(from, to);
      fs.chmodSync(to, 0o644);
    }
  }
}

function packageHash(dir) {
  const hash = crypto.createHash("sha256");
  for (const file of ["package.json", "package-lock.json"]) {
    hash.update(file).update("\0").update(fs.readFileSync(path.join(dir, file))).update("\0");
  }
  return hash.digest("hex");
}

/**
 * Prepares workDir/NAME from fixturesDir/NAME (NAME: legacy or next) and returns { dir,
 * stdioVariant, npmCi } (npmCi: whether npm ci ran). `env` carries PATH with Node 22 first.
 */
export async function prepareReference(fixturesDir, name, workDir, env) {
  const dir = path.join(workDir, name);
  copyTree(path.join(fixturesDir, name), dir);
  const stamp = path.join(dir, ".npm-ci.stamp");
  const hash = packageHash(dir);
  const installed = fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8").trim() === hash &&
    fs.existsSync(path.join(dir, "node_modules", "tsx"));
  if (!installed) {
    fs.rmSync(stamp, { force: true });
    await run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir, env }, NPM_CI_TIMEOUT_MS);
    fs.writeFileSync(stamp, `${hash}\n`);
  }
  const stdioVariant = path.join(dir, "stdio-variant.ts");
  await run("bash", [path.join(fixturesDir, "make-stdio-variant.sh"), path.join(dir, "everything-server.ts"),
    stdioVariant], { env }, 30000);
  return { dir, stdioVariant, npmCi: !installed };
}
