import * as path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import * as vscode from 'vscode';
import { readMetricsFile } from '../engine/store/metricsLog';
import { FILES, readManifest, readStatus } from '../engine/store/runFolder';
import { RecordFeed } from './runFeeds';

/**
 * Feeds for runs that this window does not train: runs from an earlier session, from the command line or from
 * another machine. Each is read from its folder and, while its status is running, followed by a watcher on
 * `metrics.jsonl` and `status.json`.
 */
export class DiskFeeds implements vscode.Disposable {
  private readonly feeds = new Map<string, { feed: RecordFeed; watcher?: FSWatcher; timer?: NodeJS.Timeout }>();

  constructor(private readonly log: vscode.LogOutputChannel, private readonly isLiveHere: (runDir: string) => boolean) {}

  get(runDir: string): RecordFeed | undefined {
    return this.feeds.get(path.resolve(runDir))?.feed;
  }

  /** Drops the feed of a folder, e.g. before this window resumes training it and feeds it live. */
  forget(runDir: string): void {
    const dir = path.resolve(runDir);
    const entry = this.feeds.get(dir);
    if (!entry) return;
    clearTimeout(entry.timer);
    void entry.watcher?.close();
    entry.feed.dispose();
    this.feeds.delete(dir);
  }

  open(runDir: string): RecordFeed | undefined {
    const dir = path.resolve(runDir);
    const existing = this.feeds.get(dir);
    if (existing) return existing.feed;
    const manifest = readManifest(dir);
    if (!manifest) return undefined;
    const status = readStatus(dir, this.isLiveHere);
    const feed = new RecordFeed(dir, manifest, status?.state ?? 'stopped', status?.reason);
    const read = readMetricsFile(path.join(dir, FILES.metrics));
    if (read.dropped) this.log.warn(`[runs] ${dir}: ${read.dropped} incomplete or invalid metric record(s) dropped (${read.warnings.join('; ')})`);
    feed.reset(read.records);
    const entry: { feed: RecordFeed; watcher?: FSWatcher; timer?: NodeJS.Timeout } = { feed };
    this.feeds.set(dir, entry);
    if (status?.state === 'running') this.follow(dir, entry);
    return feed;
  }

  private follow(dir: string, entry: { feed: RecordFeed; watcher?: FSWatcher; timer?: NodeJS.Timeout }): void {
    // atomic: status.json is replaced by rename, which some platforms report as unlink + add.
    const watcher = watch([path.join(dir, FILES.metrics), path.join(dir, FILES.status)], { ignoreInitial: true, atomic: true });
    entry.watcher = watcher;
    const refresh = () => {
      clearTimeout(entry.timer);
      // Coalesces the bursts of events a fast trainer causes; 200 ms keeps the panel live without re-reading per epoch.
      entry.timer = setTimeout(() => this.refresh(dir, entry), 200);
    };
    watcher.on('add', refresh).on('change', refresh).on('error', (err) => this.log.error(`[runs] watching ${dir} failed: ${String(err)}`));
  }

  private refresh(dir: string, entry: { feed: RecordFeed; watcher?: FSWatcher }): void {
    const { feed } = entry;
    const read = readMetricsFile(path.join(dir, FILES.metrics));
    const known = feed.records();
    const last = known[known.length - 1]?.epoch ?? -1;
    feed.append(read.records.filter((r) => r.epoch > last));
    const status = readStatus(dir, this.isLiveHere);
    if (status) feed.setState(status.state, status.reason);
    if (status && status.state !== 'running') {
      void entry.watcher?.close();
      entry.watcher = undefined;
    }
  }

  dispose(): void {
    for (const entry of this.feeds.values()) {
      clearTimeout(entry.timer);
      void entry.watcher?.close();
      entry.feed.dispose();
    }
    this.feeds.clear();
  }
}
