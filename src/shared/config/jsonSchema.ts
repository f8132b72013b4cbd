import { CONFIG_FIELDS, type FieldSpec } from './fields';

/** Builds the JSON Schema of config files from the field table; `npm run schema` writes it to schemas/. */
function fieldSchema(spec: FieldSpec): Record<string, unknown> {
  const s: Record<string, unknown> = { description: spec.doc, markdownDescription: spec.doc };
  if (spec.default !== undefined) s.default = spec.default;
  const bounds = (target: Record<string, unknown>) => {
    if (spec.minimum !== undefined) target[spec.exclusiveMinimum ? 'exclusiveMinimum' : 'minimum'] = spec.minimum;
    if (spec.maximum !== undefined) target[spec.exclusiveMaximum ? 'exclusiveMaximum' : 'maximum'] = spec.maximum;
  };
  switch (spec.kind) {
    case 'number':
    case 'integer':
      s.type = spec.kind;
      bounds(s);
      break;
    case 'string':
      s.type = 'string';
      if (spec.enum) s.enum = [...spec.enum];
      break;
    case 'integer-list': {
      const items: Record<string, unknown> = { type: 'integer' };
      bounds(items);
      Object.assign(s, { type: 'array', minItems: 1, items });
      break;
    }
    case 'object':
      Object.assign(s, {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries((spec.fields ?? []).map((f) => [f.key, fieldSchema(f)])),
      });
      break;
  }
  return s;
}

export function buildConfigJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'grokking-inspector/grok-config',
    title: 'Grokking Inspector run config',
    description: 'A training run of Grokking Inspector (*.grok.yaml or *.grok.json).',
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(CONFIG_FIELDS.map((f) => [f.key, fieldSchema(f)])),
  };
}
