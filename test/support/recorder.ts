/** A list of things a fake peer received, and a way to wait for the one a test expects. */
export interface Recorder<T> {
  items: T[];
  add(item: T): void;
  waitFor(predicate?: (item: T) => boolean, timeoutMs?: number): Promise<T>;
}

export function createRecorder<T>(what: string): Recorder<T> {
  const items: T[] = [];
  const waiters = new Set<{ predicate: (item: T) => boolean; resolve: (item: T) => void }>();
  return {
    items,
    add(item: T): void {
      items.push(item);
      for (const waiter of waiters) {
        if (waiter.predicate(item)) {
          waiters.delete(waiter);
          waiter.resolve(item);
        }
      }
    },
    waitFor(predicate = () => true, timeoutMs = 5000): Promise<T> {
      const found = items.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching ${what} within ${timeoutMs} ms (${items.length} seen)`));
        }, timeoutMs);
        const waiter = {
          predicate,
          resolve: (item: T) => {
            clearTimeout(timer);
            resolve(item);
          },
        };
        waiters.add(waiter);
      });
    },
  };
}
