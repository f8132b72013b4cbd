/** Per-method timing of a kernel set, for the per-kernel split of a training step. */
export interface Profile {
  /** Summed ms per method name since the last `clear`. */
  readonly totals: Map<string, number>;
  /** While true, calls run untimed (state restores between profiled steps). */
  paused: boolean;
}

export function createProfile(): Profile {
  return { totals: new Map(), paused: false };
}

/**
 * Wraps a kernel set so that each method call adds its wall time to `profile.totals` under the method's name.
 * `alloc` and non-function members pass through, so the wrapper shares the set's memory.
 */
export function profiled<T extends object>(target: T, profile: Profile): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (property === 'alloc' || typeof property !== 'string') return method.bind(object);
      return (...args: unknown[]): unknown => {
        if (profile.paused) return method.apply(object, args);
        const start = performance.now();
        try {
          return method.apply(object, args);
        } finally {
          profile.totals.set(property, (profile.totals.get(property) ?? 0) + performance.now() - start);
        }
      };
    },
  });
}
