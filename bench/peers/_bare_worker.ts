// Copyright 2026 the @concurrent/futures authors. MIT license.
// The raw limit for the pool: a bare Deno Worker that answers each message
// with its argument, the same shape of message a pool sends.

interface Port {
  onmessage:
    | ((event: MessageEvent<{ id: number; args: unknown[] }>) => void)
    | null;
  postMessage(message: unknown): void;
}

const port = self as unknown as Port;
port.onmessage = (event) => {
  port.postMessage({ id: event.data.id, value: event.data.args[0] });
};
