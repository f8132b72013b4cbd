import * as fs from 'node:fs';

/**
 * Reading and rewriting append-only JSON-lines logs of a run folder (`metrics.jsonl`, `features.jsonl`). A trainer
 * killed mid-append leaves a torn last line, and a later append can be glued onto such a fragment. The reader
 * keeps every intact record and counts the rest.
 */
export interface JsonLinesReadResult<T> {
  records: T[];
  /** Lines (or fragments) that did not parse or had fields of the wrong type. */
  dropped: number;
  /** One human-readable line per problem, e.g. "line 5: incomplete record dropped". */
  warnings: string[];
}

/** Returns the typed record, or a description of the first field that makes `value` invalid. */
export type RecordValidator<T> = (value: unknown) => T | string;

/** Splits `{…}{…}` (two records written without a newline between them) into its objects. */
function splitConcatenated(line: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      parts.push(line.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < line.length) parts.push(line.slice(start));
  return parts;
}

export function parseJsonLines<T>(text: string, validate: RecordValidator<T>): JsonLinesReadResult<T> {
  const records: T[] = [];
  const warnings: string[] = [];
  let dropped = 0;
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    for (const part of splitConcatenated(line)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(part);
      } catch {
        dropped++;
        warnings.push(`line ${index + 1}: incomplete record dropped`);
        continue;
      }
      const record = validate(parsed);
      if (typeof record === 'string') {
        dropped++;
        warnings.push(`line ${index + 1}: record skipped because ${record}`);
      } else {
        records.push(record);
      }
    }
  });
  return { records, dropped, warnings };
}

/** Parses `file`; a missing file reads as an empty log. */
export function readJsonLinesFile<T>(file: string, validate: RecordValidator<T>): JsonLinesReadResult<T> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], dropped: 0, warnings: [] };
    throw err;
  }
  return parseJsonLines(text, validate);
}

/**
 * Replaces `file` with one line per record through a temporary sibling and a rename. A resumed run uses it to
 * drop a torn fragment and the records after its checkpoint.
 */
export function rewriteJsonLines(file: string, records: readonly unknown[]): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, records.map((r) => JSON.stringify(r) + '\n').join(''));
  fs.renameSync(tmp, file);
}
