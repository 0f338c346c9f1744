// Copyright 2026 the @concurrent/futures authors. MIT license.
// The child's end of its channel to the pool, and the watchdog that ends
// the child when the pool's process is gone.
//
// The pool gives each child a private socket as file descriptor 3 (stdout
// and stderr stay the parent's own, for the tasks' output). Writes to it
// are synchronous: when post() returns, the message is in the kernel, so a
// task that calls Deno.exit() right after a result cannot lose it, and the
// pool reads every message before it learns that the child exited.
//
// stdin is the lifeline: a pipe whose other end only the pool holds and
// never writes. When the pool's process dies, even by SIGKILL, the kernel
// closes that end and reads of stdin end. A child busy in a synchronous
// loop never turns its event loop, so the read runs on a Worker thread of
// its own, which then kills the whole process: in Deno 2.9.6 Deno.exit()
// in a Worker only ends that Worker, but a process may always signal
// itself (Deno.kill needs no permission for the process's own pid). The
// watchdog's isolate costs each child about 13 MB and 3 threads (an idle
// child: 57 MB resident, 44 MB without it).
import { read, writeSync } from "node:fs";
import type { FromWorker, ToWorker } from "../_protocol.ts";
import type { WorkerEndpoint } from "../_transport.ts";
import { encodeMessage, MessageReader } from "../_process_wire.ts";

/** The file descriptor of the channel in the child. */
export const CHANNEL_FD = 3;

const WATCHDOG = `
const buffer = new Uint8Array(64);
try {
  while ((await Deno.stdin.read(buffer)) !== null);
} catch {
  // A closed or broken stdin means the same: the pool is gone.
}
// The group first (see killAll below), then this process alone.
try {
  Deno.kill(-Deno.pid, "SIGKILL");
} catch {
  // Not a group leader, or no permission.
}
Deno.kill(Deno.pid, "SIGKILL");
`;

/**
 * Kills this child and the processes its tasks started: the pool starts
 * each child as the leader of a process group. Signalling the group needs
 * run access in full; without it, a task cannot have started a process
 * of its own (a grant of some commands only: those are left), and the
 * child kills itself alone, which needs no permission.
 */
function killAll(): void {
  try {
    Deno.kill(-Deno.pid, "SIGKILL");
  } catch {
    // Not a group leader, or no permission.
  }
  Deno.kill(Deno.pid, "SIGKILL");
}

/** The pool's process is gone: nothing this child does matters now. */
function orphaned(): never {
  killAll();
  // SIGKILL cannot be caught; this only satisfies the type.
  throw new Error("unreachable");
}

/** Starts the Worker that kills this process once stdin ends. */
export function startWatchdog(): void {
  const url = URL.createObjectURL(
    new Blob([WATCHDOG], { type: "text/javascript" }),
  );
  new Worker(url, { type: "module", name: "pool lifeline" });
}

function writeAll(bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(CHANNEL_FD, bytes, offset, bytes.length - offset);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      // Interrupted by a signal, or the socket was full: write again.
      if (code === "EINTR" || code === "EAGAIN") continue;
      // EPIPE, ECONNRESET: the pool's end is closed.
      orphaned();
    }
  }
}

/**
 * The endpoint of a child process started by the process transport: its
 * channel to the pool on file descriptor 3. Call it once, in the child's
 * entry module; it also starts the watchdog that ends the child with its
 * parent.
 */
export function connectToPool(): WorkerEndpoint {
  startWatchdog();
  let listening = false;
  return {
    post(message: FromWorker): void {
      writeAll(encodeMessage(message));
    },
    listen(handler: (message: ToWorker) => void): void {
      if (listening) throw new Error("The channel has a listener already");
      listening = true;
      const reader = new MessageReader((value) => handler(value as ToWorker));
      const buffer = new Uint8Array(64 * 1024);
      const next = () =>
        read(CHANNEL_FD, buffer, 0, buffer.length, null, (error, n) => {
          if (error !== null || n === 0) orphaned();
          try {
            reader.push(buffer.subarray(0, n));
          } finally {
            next();
          }
        });
      next();
    },
  };
}
