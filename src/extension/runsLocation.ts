import * as path from 'node:path';
import * as vscode from 'vscode';

/** Returns the folder that receives run folders for a config: `grokkingInspector.runsDirectory`, relative to the config's folder. */
export function runsRootFor(configUri: vscode.Uri): string {
  const setting = vscode.workspace.getConfiguration('grokkingInspector', configUri).get<string>('runsDirectory', 'runs');
  const folder = vscode.workspace.getWorkspaceFolder(configUri)?.uri.fsPath ?? path.dirname(configUri.fsPath);
  const expanded = setting.replace(/\$\{workspaceFolder\}/g, folder);
  return path.resolve(path.dirname(configUri.fsPath), expanded || 'runs');
}

/** Run folders in the workspace: every folder with a `config.json` and a `status.json`, newest first. */
export async function findRunFolders(): Promise<string[]> {
  const statuses = await vscode.workspace.findFiles('**/status.json', '**/node_modules/**', 2000);
  const dirs = statuses.map((u) => path.dirname(u.fsPath));
  return [...new Set(dirs)].sort((a, b) => path.basename(b).localeCompare(path.basename(a)));
}
