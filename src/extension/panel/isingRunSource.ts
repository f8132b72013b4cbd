import * as path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import * as vscode from 'vscode';
import { FEATURE_FILES, readFeatures, readSamples, readScatter } from '../../engine/store/features';
import { readMetricsFile } from '../../engine/store/metricsLog';
import { FILES, readManifest, readStatus } from '../../engine/store/runFolder';
import type { IsingFeatureRecord, IsingSampleStrip } from '../../shared/isingFeatures';
import type { IsingScatterSeries } from '../../shared/isingPanelProtocol';
import { grokTimes, type GrokTimes } from '../../shared/metrics';
import type { PanelRunInfo } from '../../shared/protocol';
import type { RunManifest, RunState } from '../../shared/run';
import { scatterSeries } from './isingScatter';

/**
 * Coalesces the burst of watcher events one checkpoint causes (features.jsonl, a scatter file, metrics.jsonl,
 * status.json) into one reread; 200 ms matches the folder watcher of the live panel's disk feeds.
 */
const REFRESH_DELAY_MS = 200;

const WATCHED_FILES: ReadonlySet<string> = new Set([FEATURE_FILES.records, FEATURE_FILES.samples, FILES.metrics, FILES.status]);

/** Formats the settings that distinguish Ising runs, for the panel heading. */
export function describeIsingConfig(manifest: RunManifest): string {
  const c = manifest.config;
  return `L = ${c.lattice}, conv ${c.convChannels.join('-')}, fc ${c.hiddenLayers.join('-')}, w0 = ${c.w0}, lr = ${c.learningRate}, wd = ${c.weightDecay} ${c.weightDecayMode}, batch ${c.batchSize}, seed ${c.seed}`;
}

function sameTimes(a: GrokTimes, b: GrokTimes): boolean {
  return a.tTrain === b.tTrain && a.tTest === b.tTest && a.tGrok === b.tGrok && a.grokked === b.grokked;
}

/**
 * The Ising feature files of one run folder as the host keeps them, followed with a watcher while the run is
 * running. Feature records are keyed by epoch: when a reread no longer starts with the records already held (a
 * resumed run rewrote the file), the whole list is replaced and `onDidReset` fires instead of `onDidAppend`.
 */
export class IsingRunSource implements vscode.Disposable {
  readonly runId: string;
  private list: IsingFeatureRecord[] = [];
  private readWarnings: string[] = [];
  private strip: IsingSampleStrip | null = null;
  private grok: GrokTimes = { tTrain: null, tTest: null, tGrok: null, grokked: null };
  private state: RunState;
  private reason: string | undefined;
  private watcher: FSWatcher | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly appendEmitter = new vscode.EventEmitter<IsingFeatureRecord[]>();
  private readonly resetEmitter = new vscode.EventEmitter<void>();
  private readonly timesEmitter = new vscode.EventEmitter<GrokTimes>();
  private readonly stateEmitter = new vscode.EventEmitter<{ state: RunState; reason?: string }>();
  readonly onDidAppend = this.appendEmitter.event;
  /** The records or samples changed in a way an append cannot express; the panel resends everything. */
  readonly onDidReset = this.resetEmitter.event;
  readonly onDidChangeTimes = this.timesEmitter.event;
  readonly onDidChangeState = this.stateEmitter.event;

  /** Reads a run folder; returns undefined when it has no `config.json`, and throws for a run of another task. */
  static open(runDir: string, log: vscode.LogOutputChannel, isLiveHere: (runDir: string) => boolean): IsingRunSource | undefined {
    const dir = path.resolve(runDir);
    const manifest = readManifest(dir);
    if (manifest === undefined) return undefined;
    if (manifest.config.task !== 'ising') {
      throw new Error(`Run ${path.basename(dir)} trains task "${manifest.config.task}"; the Ising features panel shows runs of task "ising" only.`);
    }
    return new IsingRunSource(dir, manifest, log, isLiveHere);
  }

  private constructor(
    readonly runDir: string,
    private readonly manifest: RunManifest,
    private readonly log: vscode.LogOutputChannel,
    private readonly isLiveHere: (runDir: string) => boolean,
  ) {
    this.runId = path.basename(runDir);
    const status = readStatus(runDir, isLiveHere);
    this.state = status?.state ?? 'stopped';
    this.reason = status?.reason;
    this.readFeatureFile();
    this.readSampleFile();
    this.readTimes();
    if (this.state === 'running') this.follow();
  }

  info(): PanelRunInfo {
    const source = this.manifest.configPath ? path.basename(this.manifest.configPath) : this.runId;
    return {
      runId: this.runId,
      title: `Ising features: ${source} · ${this.runId}`,
      runDir: this.runDir,
      state: this.state,
      epochs: this.manifest.config.epochs,
      subtitle: describeIsingConfig(this.manifest),
      ...(this.reason === undefined ? {} : { reason: this.reason }),
    };
  }

  records(): readonly IsingFeatureRecord[] {
    return this.list;
  }

  samples(): IsingSampleStrip | null {
    return this.strip;
  }

  times(): GrokTimes {
    return this.grok;
  }

  warnings(): readonly string[] {
    return this.readWarnings;
  }

  /** Reads the scatter of a checkpoint in `records()`; throws when the checkpoint or its file is missing. */
  scatter(epoch: number): IsingScatterSeries {
    const record = this.list.find((r) => r.epoch === epoch);
    if (record === undefined) throw new Error(`run ${this.runId} has no feature record for epoch ${epoch}`);
    const scatter = readScatter(this.runDir, epoch);
    if (scatter === undefined) throw new Error(`run ${this.runId} has no scatter file for epoch ${epoch}`);
    return scatterSeries(epoch, record.fc1.topUnit, scatter, this.manifest.config.lattice);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stopFollowing();
    this.appendEmitter.dispose();
    this.resetEmitter.dispose();
    this.timesEmitter.dispose();
    this.stateEmitter.dispose();
  }

  private follow(): void {
    // depth 0 watches the folder's own entries, which also reports files created after the watch started.
    // atomic: status.json is replaced by rename, which some platforms report as unlink + add.
    const watcher = watch(this.runDir, { ignoreInitial: true, atomic: true, depth: 0 });
    this.watcher = watcher;
    const schedule = (file: string): void => {
      if (!WATCHED_FILES.has(path.basename(file)) || this.timer !== undefined) return;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.refresh();
      }, REFRESH_DELAY_MS);
    };
    watcher
      .on('add', schedule)
      .on('change', schedule)
      .on('error', (error) => this.log.error(`[isingPanel] watching ${this.runDir} failed: ${String(error)}`));
  }

  private stopFollowing(): void {
    void this.watcher?.close();
    this.watcher = undefined;
  }

  private refresh(): void {
    try {
      const samplesBefore = this.strip;
      const change = this.readFeatureFile();
      this.readSampleFile();
      if (change.kind === 'reset' || samplesBefore !== this.strip) this.resetEmitter.fire();
      else if (change.added.length > 0) this.appendEmitter.fire(change.added);
      if (this.readTimes()) this.timesEmitter.fire(this.grok);
      const status = readStatus(this.runDir, this.isLiveHere);
      if (status !== undefined && (status.state !== this.state || status.reason !== this.reason)) {
        this.state = status.state;
        this.reason = status.reason;
        this.stateEmitter.fire({ state: this.state, ...(this.reason === undefined ? {} : { reason: this.reason }) });
      }
      if (this.state !== 'running') this.stopFollowing();
    } catch (error) {
      this.log.error(`[isingPanel] rereading run ${this.runId} (${this.runDir}) failed: ${String(error)}`);
    }
  }

  /** Rereads `features.jsonl`; returns the records past the last one held, or a reset when the file was rewritten. */
  private readFeatureFile(): { kind: 'append'; added: IsingFeatureRecord[] } | { kind: 'reset' } {
    // NOTE: rereads the whole file per change. A record is about 7 kB (measured on synthetic 100-unit records), so
    // a run with a thousand checkpoints rereads about 7 MB, at most five times a second.
    const read = readFeatures(this.runDir);
    if (read.dropped > 0 && read.warnings.join() !== this.readWarnings.join()) {
      this.log.warn(`[isingPanel] ${this.runDir}: ${read.dropped} incomplete or invalid feature record(s) dropped (${read.warnings.join('; ')})`);
    }
    this.readWarnings = read.warnings;
    const held = this.list;
    const keepsPrefix = read.records.length >= held.length && held.every((r, i) => read.records[i].epoch === r.epoch);
    this.list = read.records;
    if (!keepsPrefix) return { kind: 'reset' };
    return { kind: 'append', added: read.records.slice(held.length) };
  }

  private readSampleFile(): void {
    if (this.strip !== null) return;
    try {
      this.strip = readSamples(this.runDir) ?? null;
    } catch (error) {
      this.log.warn(`[isingPanel] ${this.runDir}: ${FEATURE_FILES.samples} is invalid and its snapshots are not shown: ${String(error)}`);
    }
  }

  /** Recomputes t_train and t_test from `metrics.jsonl`; returns true when they changed. */
  private readTimes(): boolean {
    const metrics = readMetricsFile(path.join(this.runDir, FILES.metrics));
    const times = grokTimes(metrics.records, this.manifest.config.grokThreshold);
    if (sameTimes(times, this.grok)) return false;
    this.grok = times;
    return true;
  }
}
