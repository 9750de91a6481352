// Tests use the same moto_server launcher as the demo and the benchmarks.
import { freePort, motoAvailable, startMoto as start } from "../../scripts/lib/moto.mjs";

export interface Moto {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface MotoOptions {
  /** Turns on moto's IAM enforcement after this many unauthenticated calls (INITIAL_NO_AUTH_ACTION_COUNT). */
  readonly initialNoAuthActionCount?: number;
}

export { freePort, motoAvailable };

/** Starts moto_server on a free loopback port and waits until it answers. */
export function startMoto(options: MotoOptions = {}): Promise<Moto> {
  return start(options);
}
