/**
 * Stream ids for `deriveSeed`: each use of randomness draws from its own child stream of the configured seed,
 * so that changing how much one use draws never shifts another. Values are arbitrary but fixed forever,
 * because changing one changes every run's split, initial parameters or batch order.
 */
export const STREAM_SPLIT = 1;
export const STREAM_INIT = 2;
export const STREAM_ORDER = 3;
/** Per-snapshot streams of the Ising generator: `deriveSeed(dataSeed, STREAM_ISING_SNAPSHOT, snapshotIndex)`. */
export const STREAM_ISING_SNAPSHOT = 16;
