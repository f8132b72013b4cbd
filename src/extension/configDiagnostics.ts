import * as vscode from 'vscode';
import { loadConfigText, syntaxOf, type ConfigDiagnostic, type ConfigLoadResult } from '../shared/config/load';
import { CONFIG_GLOB, isConfigDocument, isConfigUri } from './configFiles';

/** How long typing must pause before a config is validated again. */
const VALIDATE_DELAY_MS = 250;

function toDiagnostic(d: ConfigDiagnostic): vscode.Diagnostic {
  const range = new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character);
  const diagnostic = new vscode.Diagnostic(range, d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  diagnostic.source = 'Grokking Inspector';
  if (d.path.length) diagnostic.code = d.path.join('.');
  return diagnostic;
}

/**
 * Validates config files, open or not, and publishes the problems to the Problems panel. Open documents are
 * validated from their text as typed; closed files from disk when they change.
 */
export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('grokking-inspector');
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((doc) => this.validateDocument(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (isConfigDocument(doc)) void this.validateFile(doc.uri);
      }),
    );
    const watcher = vscode.workspace.createFileSystemWatcher(CONFIG_GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => this.validateFile(uri)),
      watcher.onDidChange((uri) => this.validateFile(uri)),
      watcher.onDidDelete((uri) => this.collection.delete(uri)),
    );
    for (const doc of vscode.workspace.textDocuments) this.validateDocument(doc);
    void vscode.workspace.findFiles(CONFIG_GLOB, '**/node_modules/**', 500).then((uris) => uris.forEach((u) => this.validateFile(u)));
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!isConfigDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => this.validateDocument(doc), VALIDATE_DELAY_MS));
  }

  /** Validates a document and returns the load result, also for callers that start runs. */
  validateDocument(doc: vscode.TextDocument): ConfigLoadResult | undefined {
    if (!isConfigDocument(doc)) return undefined;
    const result = loadConfigText(doc.getText(), syntaxOf(doc.fileName));
    this.collection.set(doc.uri, result.diagnostics.map(toDiagnostic));
    return result;
  }

  private async validateFile(uri: vscode.Uri): Promise<void> {
    if (!isConfigUri(uri)) return;
    // An open document is validated from its (possibly unsaved) text instead.
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) return;
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      const result = loadConfigText(new TextDecoder().decode(bytes), syntaxOf(uri.path));
      this.collection.set(uri, result.diagnostics.map(toDiagnostic));
    } catch (err) {
      this.log.warn(`[config] reading ${uri.fsPath} failed: ${String(err)}`);
    }
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.disposables.forEach((d) => d.dispose());
  }
}
