import * as path from 'node:path';
import type { GrokConfig } from '../../shared/config/types';
import { grokTimes, type EpochRecord, type GrokTimes, type RunSummary } from '../../shared/metrics';
import type { RunManifest, RunStatus } from '../../shared/run';
import { loadKernels } from '../kernels';
import { createTrainer, type CreateTrainerOptions } from '../train/create';
import type { Trainer } from '../train/trainer';
import { checkpointDue } from '../train/schedule';
import { writeFileAtomic } from '../store/atomic';
import { readResumeState, writeCheckpoint } from '../store/checkpoints';
import { MetricsWriter, readMetricsFile } from '../store/metricsLog';
import { createRunFolder, FILES, makeStatus, newRunId, readManifest, writeStatus } from '../store/runFolder';
import { PRODUCT_VERSION } from '../version';
import type { RunRequest } from '../workerProtocol';
import { IsingFeatureRecorder } from './isingFeatureRecorder';

/**
 * Trains one run into its folder: a new run from a config, or the continuation of a stopped run from its last
 * checkpoint. The command line calls it in-process and the extension calls it in a worker thread.
 */
export interface TrainingRequest extends RunRequest {
  onStart?(runDir: string, manifest: RunManifest, history: readonly EpochRecord[]): void;
  onEpoch?(record: EpochRecord, times: GrokTimes): void;
  shouldStop?(): boolean;
  log?(line: string): void;
}

export interface TrainingOutcome {
  runDir: string;
  status: RunStatus;
  summary: RunSummary;
}

export async function train(request: TrainingRequest): Promise<TrainingOutcome> {
  const kernels = await loadKernels(request.kernels ?? 'auto', request.log);
  let runDir: string;
  let manifest: RunManifest;
  let history: EpochRecord[] = [];
  let trainer: Trainer;
  let resumedEpoch: number | undefined;
  const dataOptions = datasetOptions(request);

  if (request.resumeDir) {
    runDir = path.resolve(request.resumeDir);
    const found = readManifest(runDir);
    if (!found) throw new Error(`${runDir} is not a run folder: it has no ${FILES.manifest}.`);
    manifest = found;
    if (request.epochs !== undefined) manifest.config.epochs = request.epochs;
    manifest.kernels = kernels.name;
    const state = readResumeState(runDir);
    if (!state) throw new Error(`${runDir} has no checkpoint to resume from (checkpoints/resume.bin is missing).`);
    trainer = await createTrainer(manifest.config, kernels, dataOptions);
    if (state.params.length !== trainer.parameterCount) {
      throw new Error(`The checkpoint in ${runDir} has ${state.params.length} parameters but its config builds ${trainer.parameterCount}.`);
    }
    trainer.restore(state);
    resumedEpoch = state.epoch;
    history = readMetricsFile(path.join(runDir, FILES.metrics)).records.filter((r) => r.epoch <= state.epoch);
    writeFileAtomic(path.join(runDir, FILES.manifest), JSON.stringify(manifest, null, 2) + '\n');
    request.log?.(`Resuming ${runDir} from epoch ${state.epoch} with the ${kernels.name} kernels.`);
  } else {
    if (!request.config || !request.runsRoot) throw new Error('A new run needs a config and a runs folder.');
    const config: GrokConfig = { ...request.config };
    if (request.epochs !== undefined) config.epochs = request.epochs;
    trainer = await createTrainer(config, kernels, dataOptions);
    manifest = {
      config,
      configPath: request.configPath,
      productVersion: PRODUCT_VERSION,
      kernels: kernels.name,
      seedDrawn: request.seedDrawn ?? false,
      createdAt: new Date().toISOString(),
      parameterCount: trainer.parameterCount,
      tensors: trainer.tensors,
      trainSplitHash: trainer.trainSplitHash,
      initHash: trainer.initHash,
    };
    const name = request.configPath ? path.basename(request.configPath) : 'run';
    runDir = createRunFolder(request.runsRoot, newRunId(name), manifest);
    request.log?.(`Starting ${runDir} with the ${kernels.name} kernels.`);
  }

  const features = trainer.featureSource && new IsingFeatureRecorder(trainer.featureSource, runDir, request.log);
  if (resumedEpoch === undefined) features?.startRun();
  else features?.resumeRun(resumedEpoch);

  const config = manifest.config;
  const startedAt = new Date().toISOString();
  const writer = new MetricsWriter(path.join(runDir, FILES.metrics), history);
  const records = [...history];
  let lastEpoch = history.length ? history[history.length - 1].epoch : -1;
  writeStatus(runDir, makeStatus('running', Math.max(lastEpoch, 0), config.epochs, startedAt));
  request.onStart?.(runDir, manifest, history);

  let statusTime = 0;
  let lastCheckpoint = history.length ? history[history.length - 1].epoch : 0;
  let outcome: { lastEpoch: number; reason: 'finished' | 'stopped' };
  try {
    outcome = trainer.run({
      onEpoch: (record) => {
        writer.append(record);
        records.push(record);
        lastEpoch = record.epoch;
        request.onEpoch?.(record, grokTimes(records, config.grokThreshold));
        // status.json carries the epoch for readers that do not parse the log; once a second is enough.
        const now = Date.now();
        if (now - statusTime > 1000) {
          statusTime = now;
          writeStatus(runDir, makeStatus('running', record.epoch, config.epochs, startedAt));
        }
      },
      onCheckpoint: (state) => {
        features?.recordCheckpoint(state.epoch);
        writeCheckpoint(runDir, state);
        lastCheckpoint = state.epoch;
      },
      checkpointDue: (epoch) => checkpointDue(config.checkpoints, epoch, config.epochs),
      shouldStop: () => request.shouldStop?.() ?? false,
    });
  } catch (err) {
    writer.close();
    const reason = err instanceof Error ? err.message : String(err);
    writeStatus(runDir, makeStatus('failed', Math.max(lastEpoch, 0), config.epochs, startedAt, reason));
    throw err;
  }
  writer.close();

  const state = outcome.reason === 'finished' ? 'finished' : 'stopped';
  const reason = state === 'stopped' ? `stopped by the user; resuming continues from the checkpoint of epoch ${lastCheckpoint}` : undefined;
  const status = makeStatus(state, outcome.lastEpoch, config.epochs, startedAt, reason);
  writeStatus(runDir, status);
  const summary = summarize(records, config, runDir);
  writeFileAtomic(path.join(runDir, FILES.summary), JSON.stringify(summary, null, 2) + '\n');
  return { runDir, status, summary };
}

/** Seconds between two progress lines of Ising data generation, so the log stays readable. */
const PROGRESS_LOG_SECONDS = 5;

/** Passes dataset log lines to the request's log, with generation progress at most every few seconds. */
function datasetOptions(request: TrainingRequest): CreateTrainerOptions {
  let lastProgress = Date.now();
  return {
    log: request.log,
    onProgress: (done, total) => {
      const now = Date.now();
      if (done >= total || now - lastProgress < PROGRESS_LOG_SECONDS * 1000) return;
      lastProgress = now;
      request.log?.(`Generating Ising data: ${done} of ${total} snapshots.`);
    },
  };
}

export function summarize(records: readonly EpochRecord[], config: GrokConfig, runDir: string): RunSummary {
  const last = records[records.length - 1];
  const times = grokTimes(records, config.grokThreshold);
  return {
    epochs: last?.epoch ?? 0,
    trainAccuracy: last?.trainAccuracy ?? 0,
    testAccuracy: last?.testAccuracy ?? 0,
    tTrain: times.tTrain,
    tTest: times.tTest,
    tGrok: times.tGrok,
    grokked: times.grokked,
    wallSeconds: last?.elapsedSeconds ?? 0,
    runDir,
  };
}
