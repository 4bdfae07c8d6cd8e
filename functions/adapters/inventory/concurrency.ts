/**
 * A tiny concurrency limiter (the collector's only need from `p-limit`): at most
 * `max` tasks run at once, the rest wait in FIFO order.
 *
 * Only leaf tasks (one AWS call or one paginated call sequence) go through it; a
 * limited task must never wait on another limited task, or the pool could deadlock.
 */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${max}`);
  let active = 0;
  const queue: (() => void)[] = [];
  const release = (): void => {
    active -= 1;
    queue.shift()?.();
  };
  return <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const run = (): void => {
        active += 1;
        task().then(resolve, reject).finally(release);
      };
      if (active < max) run();
      else queue.push(run);
    });
}
