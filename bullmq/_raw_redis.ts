// Copyright 2026 the @concurrent/futures authors. MIT license.
// BullMQ hands out its ioredis clients behind a narrow interface; the few
// plain commands this package sends go through ioredis' own `call`.

/** The ioredis methods this package uses. */
export interface RawRedis {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  pipeline(): RawPipeline;
  duplicate(): RawRedis;
  subscribe(...channels: string[]): Promise<unknown>;
  on(event: string, listener: (...args: never[]) => void): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/** An ioredis pipeline. */
export interface RawPipeline {
  call(command: string, ...args: (string | number)[]): RawPipeline;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/** The ioredis client behind a BullMQ client. */
export function raw(client: unknown): RawRedis {
  return client as RawRedis;
}
