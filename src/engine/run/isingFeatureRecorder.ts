import { ISING_LAYERS, type IsingLayerName } from '../../shared/isingFeatures';
import type { IsingFeatureSource } from '../analysis/featureSource';
import { analyseIsingFeatures, featureSeries, scatterPairs, type FeatureSeries, type LayerActivations } from '../analysis/isingFeatures';
import { appendFeatureRecord, readSamples, truncateFeatures, writeSamples, writeScatter } from '../store/features';

/** Convolution blocks and hidden layers the record needs: conv1, conv2 and fc1. */
const REQUIRED_CONV_BLOCKS = 2;
const REQUIRED_HIDDEN_LAYERS = 1;

/**
 * Writes the Ising feature files of a run folder: `samples.json` when the run starts, and at every checkpoint a
 * line of `features.jsonl` and the scatter of the top fc1 unit. Each checkpoint runs the CNN on the test set with
 * the checkpoint's parameters, before the checkpoint file is written, so a feature record never outlives a
 * checkpoint that a resume would discard.
 */
export class IsingFeatureRecorder {
  private readonly layers?: Record<IsingLayerName, LayerActivations & { values: Float32Array }>;
  private readonly features: FeatureSeries;

  constructor(
    private readonly source: IsingFeatureSource,
    private readonly runDir: string,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.features = featureSeries(source.testEnergy, source.testMagnetisation);
    const { lattice, channels, hidden } = source.shape;
    if (channels.length < REQUIRED_CONV_BLOCKS || hidden.length < REQUIRED_HIDDEN_LAYERS) {
      log(
        `The Ising feature analysis needs at least ${REQUIRED_CONV_BLOCKS} convolution blocks and ${REQUIRED_HIDDEN_LAYERS} ` +
        `hidden layer, but the CNN has ${channels.length} and ${hidden.length}; ${runDir} gets no features.jsonl.`,
      );
      return;
    }
    const rows = source.testEnergy.length;
    const units: Record<IsingLayerName, number> = {
      conv1: channels[0] * lattice * lattice,
      conv2: channels[1] * (lattice / 2) ** 2,
      fc1: hidden[0],
    };
    // [test rows, units] per layer, filled batch by batch: 512 + 256 + 100 floats per snapshot for channels [2, 4],
    // 100 hidden units and L = 16.
    const layer = (name: IsingLayerName) => ({ rows, units: units[name], values: new Float32Array(rows * units[name]) });
    this.layers = { conv1: layer('conv1'), conv2: layer('conv2'), fc1: layer('fc1') };
  }

  /** Writes `samples.json` for a new run. */
  startRun(): void {
    this.guard('writing samples.json', () => writeSamples(this.runDir, this.source.sampleStrip));
  }

  /**
   * Drops the records and scatters after the resumed checkpoint, writes a missing `samples.json`, and analyses the
   * checkpoint itself when it has no record (a run from before the analysis existed). Call it after `restore`.
   */
  resumeRun(epoch: number): void {
    let keptEpochs: number[] = [];
    this.guard(`dropping feature records after epoch ${epoch}`, () => {
      keptEpochs = truncateFeatures(this.runDir, epoch);
      if (readSamples(this.runDir) === undefined) writeSamples(this.runDir, this.source.sampleStrip);
    });
    if (!keptEpochs.includes(epoch)) this.recordCheckpoint(epoch);
  }

  /** Analyses the current parameters as the checkpoint of `epoch`. */
  recordCheckpoint(epoch: number): void {
    const layers = this.layers;
    if (!layers) return;
    this.guard(`analysing epoch ${epoch}`, () => {
      this.source.forEachTestBatch((start, rows, preactivations) => {
        for (const name of ISING_LAYERS) {
          const found = preactivations.find((p) => p.name === name);
          if (!found) throw new Error(`the CNN returned no pre-activations of ${name}`);
          layers[name].values.set(found.values.subarray(0, rows * layers[name].units), start * layers[name].units);
        }
      });
      const record = analyseIsingFeatures(epoch, layers, this.features);
      writeScatter(this.runDir, epoch, scatterPairs(this.source.testEnergy, layers.fc1, record.fc1.topUnit));
      appendFeatureRecord(this.runDir, record);
    });
  }

  /** Runs `step` and logs its error instead of raising it, so that the analysis never stops a training run. */
  private guard(step: string, action: () => void): void {
    try {
      action();
    } catch (err) {
      this.log(`Ising feature analysis failed while ${step} in ${this.runDir}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
