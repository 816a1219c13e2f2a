import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The workspace the current request (or job) acts in. The API's auth sets it from the caller's key; the
 * repositories read it on every call, so no query can reach another workspace's rows.
 */
const context = new AsyncLocalStorage<string>();

export const DEFAULT_WORKSPACE = "default";

export function currentWorkspace(): string {
  return context.getStore() ?? DEFAULT_WORKSPACE;
}

export function inWorkspace<T>(workspace: string, fn: () => T): T {
  return context.run(workspace, fn);
}
