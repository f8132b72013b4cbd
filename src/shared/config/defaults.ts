import { CONFIG_FIELDS, defaultFor } from './fields';
import type { GrokConfig, TaskName } from './types';

/**
 * Builds a complete config from the field table's defaults for a task, with overrides applied on top. The seeds
 * default to `overrides.seed` (0 when absent), as the loader derives them.
 */
export function defaultConfig(overrides: Partial<GrokConfig> = {}): GrokConfig {
  const task: TaskName = overrides.task ?? 'modular-addition';
  const out: Record<string, unknown> = {};
  for (const spec of CONFIG_FIELDS) {
    const value = defaultFor(spec, task);
    if (value !== undefined) out[spec.key] = structuredClone(value);
  }
  const seed = overrides.seed ?? 0;
  Object.assign(out, { seed, dataSeed: seed, initSeed: seed, orderSeed: seed }, overrides);
  return out as unknown as GrokConfig;
}
