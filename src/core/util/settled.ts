/**
 * Waits for a promise whose outcome was already delivered to whoever awaited it (a queue's
 * previous task, whose caller got its error): the queue needs only to know it has finished.
 */
export function settled(promise: Promise<unknown>): Promise<void> {
  return promise.then(
    () => undefined,
    () => undefined,
  );
}
