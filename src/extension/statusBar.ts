import * as vscode from 'vscode';
import type { RecordFeed } from './runFeeds';
import type { RunManager } from './runManager';

/** Shows the epoch and test accuracy of the most recently started live run; clicking opens its panel. */
export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('grokkingInspector.run', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private current: RecordFeed | undefined;
  private feedSubscription: vscode.Disposable | undefined;

  constructor(private readonly runs: RunManager) {
    this.item.name = 'Grokking Inspector run';
    this.disposables.push(
      runs.onDidStartRun((feed) => this.track(feed)),
      runs.onDidChangeRunState(() => {
        if (this.current && !runs.isLive(this.current.runDir)) this.track(runs.liveFeeds().at(-1));
      }),
    );
  }

  private track(feed: RecordFeed | undefined): void {
    this.feedSubscription?.dispose();
    this.current = feed;
    if (!feed) {
      this.item.hide();
      return;
    }
    this.feedSubscription = feed.onDidAppend(() => this.render());
    this.render();
    this.item.show();
  }

  private render(): void {
    const feed = this.current;
    if (!feed) return;
    const last = feed.records().at(-1);
    const epochs = feed.config.epochs;
    const accuracy = last ? `${(last.testAccuracy * 100).toFixed(1)}%` : '…';
    this.item.text = `$(pulse) Grokking: epoch ${last?.epoch ?? 0}/${epochs} · test ${accuracy}`;
    this.item.tooltip = `${feed.info().title}\nClick to show the live panel.`;
    this.item.command = { title: 'Show Live Panel', command: 'grokkingInspector.showPanel', arguments: [feed.runDir] };
  }

  dispose(): void {
    this.feedSubscription?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}
