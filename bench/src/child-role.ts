/**
 * Helpers for the bench's own child processes (stand-in upstream, plain proxy, cache memory
 * probe): each is this same bundle started with `--role <name>`, reports
 * over IPC, and never outlives the bench process.
 */

export interface ChildMessage {
  type: string;
  port?: number;
}

export function reportToParent(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/** Exit when the parent goes away (its IPC channel closes) or asks us to stop. */
export function exitWithParent(onExit?: () => Promise<void> | void): void {
  let exiting = false;
  const exit = () => {
    if (exiting) return;
    exiting = true;
    setTimeout(() => process.exit(0), 3000).unref();
    Promise.resolve(onExit?.())
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.once('disconnect', exit);
  process.once('SIGTERM', exit);
  process.once('SIGINT', exit);
}

export function envOrThrow(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}
