import type { IsingSampleStrip } from '../../shared/isingFeatures';
import type { CnnShape, Preactivation } from '../model/cnn';

/** Trainer access for the Ising feature analysis: the test set's features and the CNN run on it. */
export interface IsingFeatureSource {
  readonly shape: CnnShape;
  /** E and M of each test snapshot, in test-set order. */
  readonly testEnergy: Float64Array;
  readonly testMagnetisation: Float64Array;
  /** A few dataset snapshots across the temperature range, for the run's `samples.json`. */
  readonly sampleStrip: IsingSampleStrip;
  /**
   * Runs the CNN forward on the test set in batches with the current parameters and passes each batch's
   * pre-activations (views that the next forward pass overwrites) to `visit`. It changes no parameter or
   * optimiser state, and every training step runs its own forward pass before it reads the activation buffers.
   */
  forEachTestBatch(visit: (start: number, rows: number, layers: Preactivation[]) => void): void;
}
