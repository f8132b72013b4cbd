import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { panelHtml } from './html';

/** Scripts and styles of every panel come from the bundles in dist/webview; media/ contains static assets. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/**
 * Builds the page of a panel whose script and styles are the bundle `dist/webview/<bundle>.js` and `.css`, with
 * a fresh nonce per page load.
 */
export function bundlePageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: string, title: string): string {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  return panelHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(18).toString('base64'),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, `${bundle}.js`)).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, `${bundle}.css`)).toString(),
    title,
  });
}
