// Copyright 2026 the @concurrent/futures authors. MIT license.
// Reading the `connection` option, and waiting for Redis within a deadline.
import type { ConnectionOptions } from "bullmq";
import { startTimer } from "@concurrent/futures/_internal";

/** Where Redis is, when it is not given as a `redis://` URL. */
export interface RedisEndpoint {
  /** The host name or address. */
  host: string;
  /** The TCP port. */
  port: number;
  /** The ACL user name. */
  username?: string;
  /** The password. */
  password?: string;
  /** The database number. @default {0} */
  db?: number;
  /** Connect with TLS. @default {false} */
  tls?: boolean;
}

/**
 * Redis to connect to: a `redis://` or `rediss://` URL
 * (`redis://user:password@host:6379/0`), or its parts.
 */
export type RedisConnection = string | RedisEndpoint;

/** The connection's BullMQ options, and how to name it in messages. */
export interface ParsedConnection {
  options: ConnectionOptions;
  label: string;
}

/**
 * Checks `connection` and turns it into BullMQ (ioredis) options that wait
 * out a Redis restart: commands are held, not failed, while it reconnects.
 *
 * @throws {TypeError} If it is not a `redis:`/`rediss:` URL or an endpoint.
 */
export function parseConnection(connection: unknown): ParsedConnection {
  let endpoint: RedisEndpoint;
  if (typeof connection === "string") {
    let url: URL;
    try {
      url = new URL(connection);
    } catch {
      throw new TypeError(
        `The Redis connection must be a redis:// URL, got ${
          JSON.stringify(redactUrl(connection))
        }`,
      );
    }
    if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
      throw new TypeError(
        `The Redis connection must be a redis:// or rediss:// URL, got ${url.protocol}//`,
      );
    }
    const db = url.pathname.replace(/^\//, "");
    endpoint = {
      host: url.hostname.replace(/^\[(.*)\]$/, "$1") || "127.0.0.1",
      port: url.port === "" ? 6379 : Number(url.port),
      username: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db: db === "" ? undefined : Number(db),
      tls: url.protocol === "rediss:",
    };
  } else if (typeof connection === "object" && connection !== null) {
    endpoint = connection as RedisEndpoint;
  } else {
    throw new TypeError(
      `The Redis connection must be a redis:// URL or { host, port }, got ${
        connection === null ? "null" : typeof connection
      }`,
    );
  }
  const { host, port, username, password, db, tls } = endpoint;
  if (typeof host !== "string" || host === "") {
    throw new TypeError("The Redis host must be a non-empty string");
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`The Redis port must be 1 to 65535, got ${port}`);
  }
  if (db !== undefined && (!Number.isInteger(db) || db < 0)) {
    throw new TypeError(`The Redis database must be a number, got ${db}`);
  }
  const options: Record<string, unknown> = {
    host,
    port,
    username,
    password,
    db,
    tls: tls ? {} : undefined,
    // Held commands wait for the reconnection instead of failing after 20
    // tries, and a restarted Redis is found again within half a second.
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(50 * 2 ** times, 500),
  };
  for (const key of Object.keys(options)) {
    if (options[key] === undefined) delete options[key];
  }
  const label = `${tls ? "rediss" : "redis"}://${
    host.includes(":") ? `[${host}]` : host
  }:${port}`;
  return { options: options as ConnectionOptions, label };
}

/**
 * `text` with what could be a URL's user and password (between `//` and
 * `@`) replaced by `***`, for messages and logs.
 */
export function redactUrl(text: string): string {
  return text.replace(/\/\/\S*@/g, "//***@");
}

/**
 * Resolves as `promise` does, or rejects with `onTimeout()` once `ms` pass,
 * or with the signal's reason once it aborts.
 */
export function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => Error,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      stop();
      reject(signal!.reason);
    };
    const stop = startTimer(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      reject(onTimeout());
    });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    promise.then((value) => {
      stop();
      signal?.removeEventListener("abort", onAbort);
      resolve(value);
    }, (error) => {
      stop();
      signal?.removeEventListener("abort", onAbort);
      reject(error);
    });
  });
}
