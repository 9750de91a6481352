// Vitest setup for every test file (vitest.config.ts setupFiles): a green `make test` prints the
// per-file lines and the count, nothing else; a failing test still shows everything it wrote.

// The AWS SDK warns once per process (and once per loaded copy of the bundle) that its releases
// after January 2027 need Node 22. The Lambda runtime is Node 22 (.nvmrc); this machine runs 20.
// The SDK's own switch (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED) does not hold here:
// withEnv() removes every AWS_ variable around each handler run. So drop that one warning by name.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]): void => {
  const text = typeof warning === "string" ? warning : warning.message;
  if (text.startsWith("NodeVersionSupportWarning")) return;
  (emitWarning as (w: string | Error, ...r: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

// The handler writes its EMF metrics line with process.stdout.write (Lambda's stdout, not console),
// which bypasses vitest's console capture and lands in the middle of the report. Route raw writes
// through console so vitest attributes them to the running test and, with silent: "passed-only",
// prints them only when that test fails. Tests that assert on stdout (test/support/faults.ts capture)
// replace process.stdout.write themselves while they run, and see the handler's writes first.
function viaConsole(log: (line: string) => void): typeof process.stdout.write {
  return ((chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown): boolean => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    log(text.endsWith("\n") ? text.slice(0, -1) : text);
    const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
    if (typeof done === "function") (done as () => void)();
    return true;
  }) as typeof process.stdout.write;
}
process.stdout.write = viaConsole((line) => console.log(line));
process.stderr.write = viaConsole((line) => console.error(line));
