import * as vscode from 'vscode';
import { CONFIG_SELECTOR, isConfigDocument } from './configFiles';
import type { RunManager } from './runManager';

/** "Start Grokking Run" at the top of every config, and "Stop Run" / "Show Live Panel" while one of its runs trains. */
export class RunCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly runs: RunManager) {
    this.subscription = runs.onDidChangeRunState(() => this.changed.fire());
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!isConfigDocument(doc)) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const lenses = [new vscode.CodeLens(top, { title: '$(play) Start Grokking Run', command: 'grokkingInspector.startRun', arguments: [doc.uri] })];
    const live = this.runs.liveFeeds().filter((f) => f.configPath === doc.uri.fsPath);
    for (const feed of live) {
      lenses.push(
        new vscode.CodeLens(top, { title: '$(debug-stop) Stop Run', command: 'grokkingInspector.stopRun', arguments: [feed.runDir] }),
        new vscode.CodeLens(top, { title: '$(graph-line) Show Live Panel', command: 'grokkingInspector.showPanel', arguments: [feed.runDir] }),
      );
      if (feed.config.task === 'ising') {
        lenses.push(new vscode.CodeLens(top, { title: '$(symbol-misc) Show Ising Features', command: 'grokkingInspector.showIsingPanel', arguments: [feed.runDir] }));
      }
    }
    return lenses;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

export function registerCodeLens(runs: RunManager): vscode.Disposable {
  const provider = new RunCodeLensProvider(runs);
  return vscode.Disposable.from(provider, vscode.languages.registerCodeLensProvider(CONFIG_SELECTOR, provider));
}
