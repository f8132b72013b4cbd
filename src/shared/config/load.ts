import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { CONFIG_FIELDS, defaultFor, DERIVED_SEED_KEYS, findField, type FieldSpec } from './fields';
import type { GrokConfig, TaskName } from './types';
import { translateAuthorsConfig, looksLikeAuthorsConfig } from './authors';
import { closestMatch } from '../suggest';

/** Zero-based position in the config text. */
export interface TextPosition { line: number; character: number }
export interface TextRange { start: TextPosition; end: TextPosition }

export interface ConfigDiagnostic {
  severity: 'error' | 'warning';
  message: string;
  /** Key path of the offending field, e.g. ['checkpoints', 'thenEvery']; empty for the whole file. */
  path: string[];
  range: TextRange;
}

export type ConfigSyntax = 'yaml' | 'json';

export interface ConfigLoadResult {
  /** Present when there are no errors. */
  config?: GrokConfig;
  diagnostics: ConfigDiagnostic[];
  /** `authors` for the YAML keys of the code released with arXiv 2502.01739 (`train_type`, `weight_multiplier`, …). */
  dialect: 'native' | 'authors';
  /** Keys that took their default value. */
  defaulted: string[];
  /** True when the file gave no seed and one was drawn; the run records the drawn value. */
  seedDrawn: boolean;
}

const WHOLE_FILE: TextRange = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function syntaxOf(fileName: string): ConfigSyntax {
  return /\.json$/i.test(fileName) ? 'json' : 'yaml';
}

/**
 * Parses and validates a config text. YAML is read as YAML 1.2, so `1e-4` is a number. JSON is checked with
 * `JSON.parse` first, then read through the same YAML 1.2 parser for positions (JSON is a subset of it).
 */
export function loadConfigText(text: string, syntax: ConfigSyntax, drawSeed: () => number = randomSeed): ConfigLoadResult {
  const lines = new LineCounter();
  const diagnostics: ConfigDiagnostic[] = [];
  const toPos = (offset: number): TextPosition => {
    const p = lines.linePos(offset);
    return { line: p.line - 1, character: p.col - 1 };
  };
  const rangeOf = (node: YamlNode | null | undefined): TextRange =>
    node?.range ? { start: toPos(node.range[0]), end: toPos(node.range[1]) } : WHOLE_FILE;

  const empty: ConfigLoadResult = { diagnostics, dialect: 'native', defaulted: [], seedDrawn: false };
  if (syntax === 'json') {
    try {
      JSON.parse(text);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const at = /position (\d+)/.exec(message);
      const offset = at ? Number(at[1]) : 0;
      lines.addNewLine(0);
      for (let i = 0; i < text.length; i++) if (text[i] === '\n') lines.addNewLine(i + 1);
      diagnostics.push({ severity: 'error', message: `Invalid JSON: ${message}`, path: [], range: { start: toPos(offset), end: toPos(offset + 1) } });
      return empty;
    }
  }
  const doc = parseDocument(text, { version: '1.2', lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  for (const e of doc.errors) {
    const r = { start: toPos(e.pos[0]), end: toPos(Math.max(e.pos[1], e.pos[0] + 1)) };
    diagnostics.push({ severity: 'error', message: `Invalid ${syntax.toUpperCase()}: ${e.message.split('\n')[0]}`, path: [], range: r });
  }
  if (diagnostics.length) return empty;
  if (doc.contents === null) {
    diagnostics.push({ severity: 'error', message: 'The config is empty. Write at least `task: modular-addition`.', path: [], range: WHOLE_FILE });
    return empty;
  }
  if (!isMap(doc.contents)) {
    diagnostics.push({ severity: 'error', message: 'The config must be a mapping of keys to values, e.g. `w0: 10`.', path: [], range: rangeOf(doc.contents) });
    return empty;
  }

  // Key path -> node, so that translated and native values both report at the line the user wrote.
  const entries = new Map<string, { value: unknown; node: YamlNode; keyNode: YamlNode }>();
  for (const pair of doc.contents.items) {
    const keyNode = pair.key as YamlNode;
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    const valueNode = (pair.value ?? keyNode) as YamlNode;
    entries.set(key, { value: nodeValue(valueNode), node: valueNode, keyNode });
  }

  let dialect: 'native' | 'authors' = 'native';
  let native = entries;
  if (looksLikeAuthorsConfig(entries)) {
    dialect = 'authors';
    const translated = translateAuthorsConfig(entries);
    native = translated.entries;
    for (const d of translated.notes) {
      const at = entries.get(d.key);
      diagnostics.push({ severity: d.severity, message: d.message, path: [d.key], range: rangeOf(at?.keyNode ?? at?.node) });
    }
  }

  const out: Record<string, unknown> = {};
  const defaulted: string[] = [];
  for (const [key, entry] of native) {
    const spec = findField([key]);
    if (!spec) {
      const guess = closestMatch(key, CONFIG_FIELDS.map((f) => f.key));
      const hint = guess ? `Did you mean "${guess}"?` : `Known keys: ${CONFIG_FIELDS.map((f) => f.key).join(', ')}.`;
      diagnostics.push({ severity: 'warning', message: `Unknown key "${key}" is ignored. ${hint}`, path: [key], range: rangeOf(entry.keyNode) });
      continue;
    }
    const checked = checkValue(spec, [key], entry.value, entry.node, rangeOf, diagnostics);
    if (checked !== undefined) out[key] = checked;
  }
  const task = (typeof out.task === 'string' ? out.task : 'modular-addition') as TaskName;
  for (const spec of CONFIG_FIELDS) {
    const fallback = defaultFor(spec, task);
    if (out[spec.key] === undefined && fallback !== undefined && !native.has(spec.key)) {
      out[spec.key] = structuredClone(fallback);
      defaulted.push(spec.key);
    } else if (spec.kind === 'object' && native.has(spec.key) && out[spec.key] !== undefined && spec.taskDefaults && task in spec.taskDefaults) {
      // A partly given object takes its missing sub-keys from the task's default, not the general one.
      const givenNode = native.get(spec.key)!.node;
      const keys: string[] = [];
      if (isMap(givenNode)) for (const pair of givenNode.items) keys.push(String(isScalar(pair.key) ? pair.key.value : pair.key));
      out[spec.key] = { ...(fallback as object), ...Object.fromEntries(keys.map((k) => [k, (out[spec.key] as Record<string, unknown>)[k]])) };
    }
    if (spec.task && spec.task !== task && native.has(spec.key)) {
      diagnostics.push({ severity: 'warning', message: `${spec.key} applies to task "${spec.task}" only and is ignored for task "${task}".`, path: [spec.key], range: rangeOf(native.get(spec.key)!.keyNode) });
    }
  }
  let seedDrawn = false;
  if (!native.has('seed')) {
    out.seed = drawSeed();
    seedDrawn = true;
  }
  for (const key of DERIVED_SEED_KEYS) if (out[key] === undefined && !native.has(key)) out[key] = out.seed;

  const hasErrors = diagnostics.some((d) => d.severity === 'error');
  // Canonical key order, so that the stored config reads the same whatever order the file used.
  const ordered: Record<string, unknown> = {};
  for (const spec of CONFIG_FIELDS) if (out[spec.key] !== undefined) ordered[spec.key] = out[spec.key];
  return { config: hasErrors ? undefined : (ordered as unknown as GrokConfig), diagnostics, dialect, defaulted, seedDrawn };
}

function nodeValue(node: YamlNode): unknown {
  if (isScalar(node)) return node.value;
  if (isSeq(node) || isMap(node)) return node;
  return undefined;
}

function describeRange(spec: FieldSpec): string {
  const low = spec.minimum === undefined ? '' : `${spec.exclusiveMinimum ? '>' : '≥'} ${spec.minimum}`;
  const high = spec.maximum === undefined ? '' : `${spec.exclusiveMaximum ? '<' : '≤'} ${spec.maximum}`;
  const kind = spec.kind === 'integer' || spec.kind === 'integer-list' ? 'an integer' : 'a number';
  return [kind, low, low && high ? 'and' : '', high].filter(Boolean).join(' ');
}

function checkNumber(spec: FieldSpec, label: string, value: unknown, integer: boolean): string | undefined {
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    const suggestion = /e/i.test(value) && !value.includes('.') ? value.replace(/^([-+]?\d+)([eE])/, '$1.0$2') : value;
    return `${label} is the string "${value}", not a number. Remove the quotes: write ${suggestion} (a number in YAML 1.1 and 1.2 alike).`;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return `${label} must be ${describeRange(spec)}; got ${JSON.stringify(value) ?? String(value)}.`;
  }
  const below = spec.minimum !== undefined && (spec.exclusiveMinimum ? value <= spec.minimum : value < spec.minimum);
  const above = spec.maximum !== undefined && (spec.exclusiveMaximum ? value >= spec.maximum : value > spec.maximum);
  if ((integer && !Number.isInteger(value)) || below || above) {
    return `${label} = ${value} is out of range: it must be ${describeRange(spec)}.`;
  }
  return undefined;
}

function checkValue(
  spec: FieldSpec,
  path: string[],
  value: unknown,
  node: YamlNode,
  rangeOf: (n: YamlNode | null | undefined) => TextRange,
  diagnostics: ConfigDiagnostic[],
): unknown {
  const label = path.join('.');
  const fail = (message: string, at: YamlNode = node) => {
    diagnostics.push({ severity: 'error', message, path, range: rangeOf(at) });
    return undefined;
  };
  switch (spec.kind) {
    case 'number':
    case 'integer': {
      const problem = checkNumber(spec, label, value, spec.kind === 'integer');
      return problem ? fail(problem) : value;
    }
    case 'string': {
      if (typeof value !== 'string' || (spec.enum && !spec.enum.includes(value))) {
        return fail(`${label} = ${JSON.stringify(value)} is not accepted: use one of ${spec.enum?.map((v) => `"${v}"`).join(', ')}.`);
      }
      return value;
    }
    case 'integer-list': {
      if (!isSeq(node) || node.items.length === 0) return fail(`${label} must be a non-empty list of integers, e.g. [512]; got ${String(node)}.`);
      const list: number[] = [];
      for (const item of node.items) {
        const v = isScalar(item) ? item.value : undefined;
        const problem = checkNumber(spec, `${label} entry`, v, true);
        if (problem) return fail(problem, item as YamlNode);
        list.push(v as number);
      }
      return list;
    }
    case 'object': {
      if (!isMap(node)) return fail(`${label} must be a mapping with the keys ${spec.fields?.map((f) => f.key).join(', ')}.`);
      const result: Record<string, unknown> = structuredClone((spec.default as Record<string, unknown>) ?? {});
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode;
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        const sub = spec.fields?.find((f) => f.key === key);
        if (!sub) {
          const guess = closestMatch(key, spec.fields?.map((f) => f.key) ?? []);
          const hint = guess ? `Did you mean "${guess}"?` : `Known keys: ${spec.fields?.map((f) => f.key).join(', ')}.`;
          diagnostics.push({ severity: 'warning', message: `Unknown key "${label}.${key}" is ignored. ${hint}`, path: [...path, key], range: rangeOf(keyNode) });
          continue;
        }
        const valueNode = (pair.value ?? keyNode) as YamlNode;
        const v = checkValue(sub, [...path, key], nodeValue(valueNode), valueNode, rangeOf, diagnostics);
        if (v !== undefined) result[key] = v;
      }
      return result;
    }
  }
}

export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}
