import * as vscode from 'vscode';

/** Glob of config files, in both syntaxes. */
export const CONFIG_GLOB = '**/*.grok.{yaml,yml,json}';
const CONFIG_NAME = /\.grok\.(ya?ml|json)$/i;

export function isConfigUri(uri: vscode.Uri): boolean {
  return CONFIG_NAME.test(uri.path);
}

export function isConfigDocument(doc: vscode.TextDocument): boolean {
  return isConfigUri(doc.uri);
}

/** Selector for providers that apply to config files of either syntax. */
export const CONFIG_SELECTOR: vscode.DocumentSelector = [
  { pattern: '**/*.grok.yaml' },
  { pattern: '**/*.grok.yml' },
  { pattern: '**/*.grok.json' },
];
