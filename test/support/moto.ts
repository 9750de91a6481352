import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { freePort } from "./ports.js";

export interface Moto {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface MotoOptions {
  /** Turns on moto's IAM enforcement after this many unauthenticated calls (INITIAL_NO_AUTH_ACTION_COUNT). */
  readonly initialNoAuthActionCount?: number;
}

const INSTALL_HINT =
  'moto_server was not found on PATH. The integration tests run against moto, a real AWS emulator: install it with `pip install "moto[server]"` (Python 3.9+), then run the tests again.';

export function motoAvailable(): boolean {
  const probe = spawnSync("moto_server", ["--help"], { stdio: "ignore" });
  return probe.error === undefined && probe.status === 0;
}

/** Starts moto_server on a free loopback port and waits until it answers. */
export async function startMoto(options: MotoOptions = {}): Promise<Moto> {
  if (!motoAvailable()) throw new Error(INSTALL_HINT);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (options.initialNoAuthActionCount !== undefined) {
    env.INITIAL_NO_AUTH_ACTION_COUNT = String(options.initialNoAuthActionCount);
  }
  const child: ChildProcess = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
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
      new Promise<void>((done) => {
        if (child.exitCode !== null) {
          done();
          return;
        }
        child.once("exit", () => done());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
}

/** Wipes every resource moto holds, so tests in one file start clean. */
export async function resetMoto(moto: Moto): Promise<void> {
  const res = await fetch(`${moto.endpoint}/moto-api/reset`, { method: "POST" });
  if (!res.ok) throw new Error(`moto reset failed: ${res.status}`);
}
