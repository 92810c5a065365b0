import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";

// Starts a second Iris process on the same database with other settings (a short token
// lifetime, a low throttle limit...), for tests that need a configuration of their own.

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Settings for a server whose crash sweep acts within seconds: 3 s stale time, a sweep a second. */
export const SWEEP_QUICKLY = { IRIS_UPLOAD_STALE_SECONDS: "3", IRIS_SWEEP_INTERVAL_SECONDS: "1" };

export interface ExtraServer {
  url: string;
  stop(): Promise<void>;
  /** kill -9: the process dies at once, as in a crash. */
  kill(): void;
  output(): string;
}

export async function startExtraServer(overrides: Record<string, string>): Promise<ExtraServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [path.join(".next", "iris-server.mjs")], {
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      ...overrides,
      PORT: String(port),
      HOST: "127.0.0.1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`extra server exited early:\n${out}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`extra server did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    output: () => out,
    kill: () => void child.kill("SIGKILL"),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}
