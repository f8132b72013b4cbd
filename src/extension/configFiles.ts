import * as vscode from 'vscode';

/** Glob of config files, in both syntaxes. */
export const CONFIG_GLOB = '**/*.grok.{yaml,yml,json}';
const CONFIG_NAME = /\.grok\.(ya?ml|json)$/i;
const YAML_NAME = /\.ya?ml$/i;
/** Top-level key that every YAML config of the code released with arXiv 2502.01739 has. */
const AUTHORS_MARKER = /^train_type\s*:/m;

export function isConfigUri(uri: vscode.Uri): boolean {
  return CONFIG_NAME.test(uri.path);
}

/** True for `*.grok.yaml|yml|json` files and for YAML files in the key format of the paper's released code. */
export function isConfigDocument(doc: vscode.TextDocument): boolean {
  return isConfigUri(doc.uri) || (YAML_NAME.test(doc.uri.path) && AUTHORS_MARKER.test(doc.getText()));
}

/**
 * Selector for providers that apply to config files. YAML documents are included because the released configs
 * have no naming convention; providers check `isConfigDocument` themselves.
 */
export const CONFIG_SELECTOR: vscode.DocumentSelector = [
  { pattern: '**/*.grok.yaml' },
  { pattern: '**/*.grok.yml' },
  { pattern: '**/*.grok.json' },
  { language: 'yaml' },
];
