// Starts moto_server (the AWS emulator) on a free loopback port: for tests, the demo and benchmarks.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

export const INSTALL_HINT =
  'moto_server was not found on PATH. pxstream runs against moto, a real AWS emulator: install it with `pip install "moto[server]"` (Python 3.9+), then try again.';

/**
 * A loopback port nobody listens on right now (the kernel picks it).
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      if (addr === null || typeof addr === "string") return reject(new Error("no port"));
      srv.close(() => resolve(addr.port));
    });
  });
}

/** @returns {boolean} */
export function motoAvailable() {
  const probe = spawnSync("moto_server", ["--help"], { stdio: "ignore" });
  return probe.error === undefined && probe.status === 0;
}

/**
 * Starts moto_server and waits until it answers.
 * @param {{ initialNoAuthActionCount?: number }} [options] IAM enforcement after this many unauthenticated calls
 * @returns {Promise<{ endpoint: string, port: number, stop: () => Promise<void> }>}
 */
export async function startMoto(options = {}) {
  if (!motoAvailable()) throw new Error(INSTALL_HINT);
  const port = await freePort();
  const env = { ...process.env };
  if (options.initialNoAuthActionCount !== undefined) env.INITIAL_NO_AUTH_ACTION_COUNT = String(options.initialNoAuthActionCount);
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`moto_server did not start on ${endpoint}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    port,
    stop: () =>
      /** @type {Promise<void>} */ (
        new Promise((done) => {
          if (child.exitCode !== null) return done();
          child.once("exit", () => done());
          child.kill("SIGTERM");
          setTimeout(() => child.kill("SIGKILL"), 3000).unref();
        })
      ),
  };
}
