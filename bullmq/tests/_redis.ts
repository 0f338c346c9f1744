// Copyright 2026 the @concurrent/futures authors. MIT license.
// A real redis-server for the tests: on a free loopback port, with an
// append-only file in a temporary directory, stopped by the test.

/** Whether `redis-server` is on PATH. */
export const HAS_REDIS: boolean = (() => {
  try {
    return new Deno.Command("redis-server", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
})();

/** Why the Redis tests are skipped, for the `ignore`d test's name. */
export const NO_REDIS =
  "bullmq tests that need Redis did not run: redis-server is not on PATH (install it: apt-get install redis-server)";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function waitForPort(port: number, process: Deno.ChildProcess) {
  let exited = false;
  process.status.then(() => exited = true);
  for (let i = 0; i < 500; i++) {
    if (exited) throw new Error("redis-server exited at start");
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  throw new Error(`redis-server did not listen on ${port}`);
}

/** A redis-server the test owns. */
export class RedisServer implements AsyncDisposable {
  readonly port: number;
  readonly dir: string;
  readonly fsync: "always" | "everysec";
  /** The password clients must give (`requirepass`), if any. */
  readonly password: string | undefined;
  #process: Deno.ChildProcess | undefined;

  private constructor(
    port: number,
    dir: string,
    fsync: "always" | "everysec",
    password: string | undefined,
  ) {
    this.port = port;
    this.dir = dir;
    this.fsync = fsync;
    this.password = password;
  }

  /** The server's process id, while it runs. */
  get pid(): number | undefined {
    return this.#process?.pid;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /**
   * Starts a server with an append-only file, synced on every write unless
   * `fsync` says once a second; with `password`, clients must give it.
   */
  static async start(
    fsync: "always" | "everysec" = "always",
    password?: string,
  ): Promise<RedisServer> {
    const server = new RedisServer(
      freePort(),
      await Deno.makeTempDir({ prefix: "bullmq-test-" }),
      fsync,
      password,
    );
    await server.#spawn();
    return server;
  }

  async #spawn(): Promise<void> {
    this.#process = new Deno.Command("redis-server", {
      args: [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--dir",
        this.dir,
        "--appendonly",
        "yes",
        "--appendfsync",
        this.fsync,
        "--save",
        "",
        "--protected-mode",
        "no",
        ...(this.password === undefined
          ? []
          : ["--requirepass", this.password]),
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    await waitForPort(this.port, this.#process);
  }

  /** Kills the server (SIGKILL: no shutdown save) and starts it again. */
  async restart(downFor = 0): Promise<void> {
    await this.kill();
    if (downFor > 0) await new Promise((r) => setTimeout(r, downFor));
    await this.#spawn();
  }

  /** Kills the server, leaving its files. */
  async kill(): Promise<void> {
    const process = this.#process;
    this.#process = undefined;
    if (process === undefined) return;
    try {
      process.kill("SIGKILL");
    } catch {
      // already gone
    }
    await process.status;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill();
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}
