// Copyright 2026 the @concurrent/futures authors. MIT license.
// Drives one child of the process transport in tests: the echo fixture
// entry by default, its messages in a queue, its end as a promise.
import {
  type ProcessTransport,
  processTransport,
  type ProcessTransportOptions,
} from "../../executor/_pool/process_transport.ts";

export const echoEntry = new URL(
  "../fixtures/process_echo_child.ts",
  import.meta.url,
);

// deno-lint-ignore no-explicit-any
export type Message = any;

export class TestChild {
  readonly transport: ProcessTransport;
  /** How the child ended, as the transport reported it. */
  readonly exited: Promise<string>;
  readonly #queue: Message[] = [];
  #wake: (() => void) | undefined;
  #reports = 0;

  constructor(options: ProcessTransportOptions = {}, name = "test-child") {
    const { promise, resolve } = Promise.withResolvers<string>();
    this.exited = promise;
    this.transport = processTransport({
      entry: echoEntry,
      check: (value) => value as Message,
      ...options,
    })(
      name,
      {
        message: (message) => {
          this.#queue.push(message);
          this.#wake?.();
        },
        exit: (how) => {
          this.#reports++;
          resolve(how);
          this.#wake?.();
        },
      },
    ) as ProcessTransport;
  }

  /** How many times `exit` was called (at most once, or it is a bug). */
  get exitReports(): number {
    return this.#reports;
  }

  /** Messages received and not taken yet. */
  get pending(): Message[] {
    return this.#queue;
  }

  /** The next message; throws if the child ends first. */
  async next(): Promise<Message> {
    while (this.#queue.length === 0) {
      if (this.#reports > 0) {
        throw new Error(`the child ended first: ${await this.exited}`);
      }
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
    return this.#queue.shift();
  }

  /** Sends a command. */
  send(command: Message): void {
    this.transport.post(command);
  }

  /** Sends a command and waits for the next message. */
  ask(command: Message): Promise<Message> {
    this.send(command);
    return this.next();
  }

  /** Kills the child and waits until it is reaped. */
  async stop(): Promise<void> {
    this.transport.kill();
    await this.transport.closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** User and system CPU time of a process, in clock ticks, from /proc. */
export function cpuTicks(pid: number): number | undefined {
  let stat: string;
  try {
    stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
  // Fields after the command name, which is in parentheses.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/** Whether a process is gone: no entry, or a zombie no one reaped yet. */
export function isGone(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 20 ms until it holds or `ms` have passed. */
export async function eventually(
  check: () => boolean,
  ms = 10_000,
): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await sleep(20);
  }
  return true;
}
