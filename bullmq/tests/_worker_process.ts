// Copyright 2026 the @concurrent/futures authors. MIT license.
// The worker program as a child process, for the fault tests and the bench.

const WORKER = new URL("../worker.ts", import.meta.url);
/** The module of the tests' tasks. */
export const FIXTURE_TASKS: URL = new URL(
  "./fixtures/tasks.ts",
  import.meta.url,
);

/**
 * The flags that point a worker at `queue` on `redis`, `concurrency` jobs at
 * once, serving the `tasks` modules.
 */
export function workerFlags(
  queue: string,
  redis: string,
  concurrency: number,
  tasks: URL[] = [FIXTURE_TASKS],
): string[] {
  return [
    "--queue",
    queue,
    "--redis",
    redis,
    "--concurrency",
    String(concurrency),
    ...tasks.flatMap((url) => ["--tasks", url.href]),
  ];
}

/**
 * Runs `worker.ts` with these flags to its end; one still running after 30 s
 * (it serves, where it should have stopped) is killed.
 */
export async function runWorker(args: string[]): Promise<Deno.CommandOutput> {
  return await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", WORKER.href, ...args],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
    signal: AbortSignal.timeout(30_000),
  }).output();
}

/** Bytes of output as text. */
export const text = (bytes: Uint8Array): string =>
  new TextDecoder().decode(bytes);

/** A running `worker.ts` process. */
export class WorkerProcess implements AsyncDisposable {
  readonly process: Deno.ChildProcess;
  /** Everything it printed, stdout and stderr. */
  output = "";
  #ready: Promise<void>;
  #exited = false;

  private constructor(args: string[], script: URL) {
    this.process = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script.href, ...args],
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
    }).spawn();
    this.process.status.then(() => this.#exited = true);
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    this.#ready = promise;
    const read = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        this.output += chunk;
        if (this.output.includes("worker: serving")) resolve();
      }
    };
    Promise.all([read(this.process.stdout), read(this.process.stderr)])
      .then(() => reject(new Error(`worker exited at start:\n${this.output}`)));
  }

  /**
   * Starts `worker.ts` (or `script`) with these flags and waits until it
   * prints that it serves.
   */
  static async start(args: string[], script = WORKER): Promise<WorkerProcess> {
    const worker = new WorkerProcess(args, script);
    try {
      await worker.#ready;
    } catch (error) {
      await worker.process.status;
      throw error;
    }
    return worker;
  }

  /** Sends a signal (if it still runs) and waits for the exit. */
  async stop(signal: Deno.Signal = "SIGTERM"): Promise<Deno.CommandStatus> {
    if (!this.#exited) {
      try {
        this.process.kill(signal);
      } catch {
        // it exited meanwhile
      }
    }
    return await this.process.status;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop("SIGKILL");
  }
}
