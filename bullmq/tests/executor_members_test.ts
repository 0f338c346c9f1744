// Copyright 2026 the @concurrent/futures authors. MIT license.
// BullMQExecutor has the members of Executor, as the local executors do
// (tests/executor_contract_test.ts). Only the class is inspected: no Redis.
import { BullMQExecutor } from "../mod.ts";
import type { Executor } from "@concurrent/futures";
import { assertExecutorMembers } from "../../tests/_util/executor_members.ts";

Deno.test("BullMQExecutor has each member of Executor, of the same kind", () => {
  assertExecutorMembers(BullMQExecutor);
  // And the type checker agrees.
  const _asExecutor = (ex: BullMQExecutor): Executor => ex;
});
