import * as path from 'node:path';
import * as vscode from 'vscode';
import { grokTimes, type EpochRecord, type GrokTimes } from '../shared/metrics';
import type { PanelRunInfo } from '../shared/protocol';
import type { RunManifest, RunState } from '../shared/run';
import type { RunFeed } from './runFeed';

/** Formats the settings that distinguish runs of the study, for panel headings and tooltips. */
export function describeConfig(manifest: RunManifest): string {
  const c = manifest.config;
  const model = c.task === 'ising' ? `L = ${c.lattice}, conv ${c.convChannels.join('-')}, hidden ${c.hiddenLayers.join('-')}` : `P = ${c.p}, hidden ${c.hiddenLayers.join('-')}`;
  return `${model}, w0 = ${c.w0}, lr = ${c.learningRate}, wd = ${c.weightDecay} ${c.weightDecayMode}, batch ${c.batchSize}, seed ${c.seed}, ${manifest.kernels} kernels`;
}

/**
 * The records of one run held by the host, fed either by its training worker or by a watcher on its folder.
 * Records are keyed by epoch: a resumed run rewrites epochs after its checkpoint, so a later record for an epoch
 * replaces the earlier one and drops everything after it.
 */
export class RecordFeed implements RunFeed, vscode.Disposable {
  private readonly list: EpochRecord[] = [];
  private state: RunState;
  private reason: string | undefined;
  private readonly appendEmitter = new vscode.EventEmitter<readonly EpochRecord[]>();
  private readonly stateEmitter = new vscode.EventEmitter<{ state: RunState; reason?: string }>();
  readonly onDidAppend = this.appendEmitter.event;
  readonly onDidChangeState = this.stateEmitter.event;
  readonly runId: string;

  constructor(readonly runDir: string, private manifest: RunManifest, state: RunState, reason?: string) {
    this.runId = path.basename(runDir);
    this.state = state;
    this.reason = reason;
  }

  info(): PanelRunInfo {
    const source = this.manifest.configPath ? path.basename(this.manifest.configPath) : this.runId;
    return {
      runId: this.runId,
      title: `${source} · ${this.runId}`,
      runDir: this.runDir,
      state: this.state,
      epochs: this.manifest.config.epochs,
      subtitle: describeConfig(this.manifest),
      reason: this.reason,
    };
  }

  get currentState(): RunState {
    return this.state;
  }

  get config() {
    return this.manifest.config;
  }

  get configPath(): string | undefined {
    return this.manifest.configPath;
  }

  setManifest(manifest: RunManifest): void {
    this.manifest = manifest;
  }

  records(): readonly EpochRecord[] {
    return this.list;
  }

  times(): GrokTimes {
    return grokTimes(this.list, this.manifest.config.grokThreshold);
  }

  /** Replaces every record, e.g. after a reread of the log. Fires no append: callers re-send the whole history. */
  reset(records: readonly EpochRecord[]): void {
    this.list.length = 0;
    this.list.push(...records);
  }

  append(records: readonly EpochRecord[]): void {
    const fresh: EpochRecord[] = [];
    for (const r of records) {
      while (this.list.length && this.list[this.list.length - 1].epoch >= r.epoch) this.list.pop();
      this.list.push(r);
      fresh.push(r);
    }
    if (fresh.length) this.appendEmitter.fire(fresh);
  }

  setState(state: RunState, reason?: string): void {
    if (state === this.state && reason === this.reason) return;
    this.state = state;
    this.reason = reason;
    this.stateEmitter.fire({ state, reason });
  }

  dispose(): void {
    this.appendEmitter.dispose();
    this.stateEmitter.dispose();
  }
}
