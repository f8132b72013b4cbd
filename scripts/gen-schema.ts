// Writes schemas/grok-config.schema.json from the config field table (run: npm run schema).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildConfigJsonSchema } from '../src/shared/config/jsonSchema';

const out = path.join(__dirname, '..', 'schemas', 'grok-config.schema.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(buildConfigJsonSchema(), null, 2) + '\n');
console.log(`wrote ${out}`);
