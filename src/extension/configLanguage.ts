import * as vscode from 'vscode';
import { CONFIG_FIELDS, findField, type FieldSpec } from '../shared/config/fields';
import { CONFIG_SELECTOR, isConfigUri } from './configFiles';

function fieldMarkdown(path: string[], spec: FieldSpec): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${path.join('.')}**\n\n${spec.doc}\n\n`);
  if (spec.enum) md.appendMarkdown(`Values: ${spec.enum.map((v) => `\`${v}\``).join(', ')}\n\n`);
  const range: string[] = [];
  if (spec.minimum !== undefined) range.push(`${spec.exclusiveMinimum ? '>' : '≥'} ${spec.minimum}`);
  if (spec.maximum !== undefined) range.push(`${spec.exclusiveMaximum ? '<' : '≤'} ${spec.maximum}`);
  if (range.length) md.appendMarkdown(`Range: ${range.join(' and ')}\n\n`);
  if (spec.default !== undefined) md.appendMarkdown(`Default: \`${JSON.stringify(spec.default)}\``);
  return md;
}

/** Key path of the YAML or JSON key on `line`, found from indentation (block YAML) or from braces (JSON). */
export function keyPathAt(doc: vscode.TextDocument, line: number): string[] | undefined {
  const keyOf = (text: string) => /^\s*"?([A-Za-z_][A-Za-z0-9_]*)"?\s*:/.exec(text)?.[1];
  const key = keyOf(doc.lineAt(line).text);
  if (!key) return undefined;
  const indent = doc.lineAt(line).firstNonWhitespaceCharacterIndex;
  const path = [key];
  let current = indent;
  for (let l = line - 1; l >= 0 && current > 0; l--) {
    const text = doc.lineAt(l).text;
    if (text.trim() === '' || text.trim().startsWith('#')) continue;
    const ind = doc.lineAt(l).firstNonWhitespaceCharacterIndex;
    const parent = keyOf(text);
    if (ind < current && parent) {
      path.unshift(parent);
      current = ind;
    }
  }
  // JSON files nest one level inside the top-level brace; drop nothing, because the brace line has no key.
  return path;
}

/** Hover docs for config keys, from the same field table that validates them. */
export class ConfigHoverProvider implements vscode.HoverProvider {
  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!isConfigUri(doc.uri)) return undefined;
    const path = keyPathAt(doc, position.line);
    if (!path) return undefined;
    const keyRange = doc.getWordRangeAtPosition(position, /[A-Za-z_][A-Za-z0-9_]*/);
    if (!keyRange || doc.getText(keyRange) !== path[path.length - 1]) return undefined;
    const spec = findField(path);
    return spec ? new vscode.Hover(fieldMarkdown(path, spec), keyRange) : undefined;
  }
}

/** Completion of top-level keys in YAML configs; JSON configs get theirs from the contributed schema. */
export class ConfigCompletionProvider implements vscode.CompletionItemProvider {
  provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] | undefined {
    // JSON configs get completion from the contributed schema; the released configs use other keys.
    if (!isConfigUri(doc.uri) || /\.json$/i.test(doc.fileName)) return undefined;
    const before = doc.lineAt(position.line).text.slice(0, position.character);
    if (!/^[A-Za-z_]*$/.test(before)) return undefined;
    const present = new Set(doc.getText().split('\n').map((l) => /^([A-Za-z_][A-Za-z0-9_]*)\s*:/.exec(l)?.[1]).filter(Boolean));
    return CONFIG_FIELDS.filter((f) => !present.has(f.key)).map((f) => {
      const item = new vscode.CompletionItem(f.key, vscode.CompletionItemKind.Property);
      item.documentation = fieldMarkdown([f.key], f);
      let value = '0';
      if (f.kind === 'object') value = '';
      else if (f.default !== undefined) value = JSON.stringify(f.default).replace(/^"|"$/g, '');
      item.insertText = f.kind === 'object' ? `${f.key}:\n  ` : `${f.key}: ${value}`;
      return item;
    });
  }
}

export function registerConfigLanguage(): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.languages.registerHoverProvider(CONFIG_SELECTOR, new ConfigHoverProvider()),
    vscode.languages.registerCompletionItemProvider(CONFIG_SELECTOR, new ConfigCompletionProvider()),
  );
}
