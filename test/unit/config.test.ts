import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfigText } from '../../src/shared/config/load';
import { buildConfigJsonSchema } from '../../src/shared/config/jsonSchema';
import { defaultConfig } from '../../src/shared/config/defaults';

const fixedSeed = () => 1234;

describe('config loading', () => {
  it('reads scientific notation as numbers (YAML 1.2)', () => {
    const r = loadConfigText('learningRate: 1e-4\nweightDecay: 3e-5\nw0: 10\nbeta1: 1.0e-1\nseed: 0\n', 'yaml', fixedSeed);
    assert.deepEqual(r.diagnostics, []);
    assert.equal(typeof r.config!.learningRate, 'number');
    assert.equal(r.config!.learningRate, 1e-4);
    assert.equal(r.config!.weightDecay, 3e-5);
    assert.equal(r.config!.w0, 10);
    assert.equal(r.config!.beta1, 0.1);
  });

  it('rejects a quoted number with a fix', () => {
    const r = loadConfigText('seed: 0\nw0: 10\nlearningRate: "1e-4"\n', 'yaml', fixedSeed);
    assert.equal(r.config, undefined);
    assert.equal(r.diagnostics.length, 1);
    const d = r.diagnostics[0];
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.path, ['learningRate']);
    assert.equal(d.range.start.line, 2);
    assert.match(d.message, /learningRate/);
    assert.match(d.message, /1\.0e-4/);
  });

  it('gives YAML and JSON the same resolved config', () => {
    const yaml = 'task: modular-addition\np: 23\nlearningRate: 1e-3\nhiddenLayers: [64, 32]\nseed: 5\ncheckpoints:\n  thenEvery: 7\n';
    const json = JSON.stringify({ task: 'modular-addition', p: 23, learningRate: 1e-3, hiddenLayers: [64, 32], seed: 5, checkpoints: { thenEvery: 7 } });
    const a = loadConfigText(yaml, 'yaml', fixedSeed);
    const b = loadConfigText(json, 'json', fixedSeed);
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(a.config, b.config);
    assert.equal(a.config!.checkpoints.everyEpochUntil, 500);
    assert.equal(a.config!.checkpoints.thenEvery, 7);
  });

  it('names field, value and range of a bad value', () => {
    const r = loadConfigText('seed: 1\nlearningRate: -1\n', 'yaml', fixedSeed);
    assert.equal(r.config, undefined);
    const d = r.diagnostics[0];
    assert.equal(d.range.start.line, 1);
    assert.match(d.message, /learningRate = -1/);
    assert.match(d.message, /> 0/);
  });

  it('reports each bad nested and list value at its line', () => {
    const r = loadConfigText('seed: 1\nhiddenLayers: [512, 0]\ncheckpoints:\n  thenEvery: 0\nweightDecayMode: adamw\n', 'yaml', fixedSeed);
    assert.equal(r.config, undefined);
    const byPath = new Map(r.diagnostics.map((d) => [d.path.join('.'), d]));
    assert.equal(byPath.get('hiddenLayers')!.range.start.line, 1);
    assert.equal(byPath.get('checkpoints.thenEvery')!.range.start.line, 3);
    assert.match(byPath.get('weightDecayMode')!.message, /"coupled", "decoupled"/);
  });

  it('warns about unknown keys and still loads', () => {
    const r = loadConfigText('seed: 1\nlearning_rat: 3\n', 'yaml', fixedSeed);
    assert.ok(r.config);
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0].severity, 'warning');
    assert.match(r.diagnostics[0].message, /learning_rat/);
  });

  it('keeps seed 0 and derives the other seeds from it', () => {
    const r = loadConfigText('seed: 0\n', 'yaml', fixedSeed);
    assert.equal(r.config!.seed, 0);
    assert.equal(r.config!.dataSeed, 0);
    assert.equal(r.config!.initSeed, 0);
    assert.equal(r.seedDrawn, false);
  });

  it('draws and records a missing seed', () => {
    const r = loadConfigText('w0: 1\n', 'yaml', fixedSeed);
    assert.equal(r.seedDrawn, true);
    assert.equal(r.config!.seed, 1234);
    assert.equal(r.config!.initSeed, 1234);
  });

  it('lets initSeed override seed alone', () => {
    const r = loadConfigText('seed: 3\ninitSeed: 9\n', 'yaml', fixedSeed);
    assert.equal(r.config!.dataSeed, 3);
    assert.equal(r.config!.initSeed, 9);
  });

  it('reports invalid JSON at its position', () => {
    const r = loadConfigText('{\n  "seed": 1,\n}\n', 'json', fixedSeed);
    assert.equal(r.config, undefined);
    assert.match(r.diagnostics[0].message, /Invalid JSON/);
  });

  it('rejects an empty file and a non-mapping', () => {
    assert.match(loadConfigText('', 'yaml').diagnostics[0].message, /empty/);
    assert.match(loadConfigText('- 1\n- 2\n', 'yaml').diagnostics[0].message, /mapping/);
  });
});

describe('task defaults', () => {
  it('gives Ising the paper settings', () => {
    const r = loadConfigText('task: ising\nseed: 0\ncheckpoints:\n  thenEvery: 100\n', 'yaml', fixedSeed);
    assert.deepEqual(r.diagnostics, []);
    const c = r.config!;
    assert.equal(c.learningRate, 1e-4);
    assert.equal(c.weightDecay, 0.1);
    assert.equal(c.batchSize, 300);
    assert.equal(c.epochs, 100000);
    assert.equal(c.init, 'pytorch-default');
    assert.deepEqual(c.hiddenLayers, [100]);
    assert.deepEqual(c.convChannels, [2, 4]);
    assert.deepEqual(c.checkpoints, { everyEpochUntil: 0, thenEvery: 100 });
    assert.deepEqual(c, { ...defaultConfig({ task: 'ising' }), checkpoints: { everyEpochUntil: 0, thenEvery: 100 } });
  });

  it('warns about a field of another task', () => {
    const r = loadConfigText('seed: 0\nlattice: 8\n', 'yaml', fixedSeed);
    assert.ok(r.config);
    assert.match(r.diagnostics[0].message, /lattice applies to task "ising" only/);
  });

  it('orders resolved keys canonically', () => {
    const a = loadConfigText('w0: 2\nseed: 1\np: 7\n', 'yaml', fixedSeed).config!;
    const b = loadConfigText('p: 7\nseed: 1\nw0: 2\n', 'yaml', fixedSeed).config!;
    assert.equal(JSON.stringify(a), JSON.stringify(b));
    assert.deepEqual(a, defaultConfig({ w0: 2, seed: 1, p: 7 }));
  });
});

describe("authors' config dialect", () => {
  const text = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'configs', 'authors-mod-add.yaml'), 'utf8');
  const r = loadConfigText(text, 'yaml', fixedSeed);

  it('translates the keys to a runnable config', () => {
    assert.equal(r.dialect, 'authors');
    const c = r.config!;
    assert.ok(c, JSON.stringify(r.diagnostics));
    assert.equal(c.task, 'modular-addition');
    assert.equal(c.p, 113);
    assert.equal(c.w0, 10);
    assert.equal(c.learningRate, 5e-3);
    assert.equal(c.weightDecay, 3e-5);
    assert.equal(c.batchSize, 64);
    assert.equal(c.epochs, 10000);
    assert.deepEqual(c.hiddenLayers, [512]);
    assert.equal(c.seed, 0);
    assert.equal(c.batchOrder, 'fixed');
    assert.equal(c.weightDecayMode, 'coupled');
  });

  it('warns about unused keys at their lines', () => {
    const warned = new Map(r.diagnostics.filter((d) => d.severity === 'warning').map((d) => [d.path[0], d]));
    for (const key of ['save_interval', 'archi', 'data_seed_end']) assert.ok(warned.has(key), `no warning for ${key}`);
    assert.equal(warned.get('save_interval')!.range.start.line, 19);
    assert.match(warned.get('data_seed_start')!.message, /seeds 0 to 9/);
    assert.equal(r.diagnostics.filter((d) => d.severity === 'error').length, 0);
  });

  it('rejects settings it cannot reproduce', () => {
    const bad = loadConfigText(text.replace('CrossEntropy', 'MSE').replace('dropout_prob: 0', 'dropout_prob: 0.1'), 'yaml', fixedSeed);
    assert.equal(bad.config, undefined);
    const errors = bad.diagnostics.filter((d) => d.severity === 'error').map((d) => d.path[0]).sort();
    assert.deepEqual(errors, ['dropout_prob', 'loss_criterion']);
  });
});

describe("authors' Ising config", () => {
  const text = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'configs', 'authors-ising.yaml'), 'utf8');
  const r = loadConfigText(text, 'yaml', fixedSeed);

  it('translates to the Ising task', () => {
    const c = r.config!;
    assert.ok(c, JSON.stringify(r.diagnostics));
    assert.equal(c.task, 'ising');
    assert.equal(c.learningRate, 1e-4);
    assert.equal(c.weightDecay, 0.1);
    assert.equal(c.batchSize, 300);
    assert.equal(c.trainSize, 300);
    assert.equal(c.testSize, 1000);
    assert.deepEqual(c.convChannels, [2, 4]);
    assert.deepEqual(c.hiddenLayers, [100]);
    assert.equal(c.w0, 10);
    assert.equal(c.init, 'pytorch-default');
  });

  it('warns that P does not apply', () => {
    const p = r.diagnostics.find((d) => d.path[0] === 'p');
    assert.ok(p, 'no diagnostic for P');
    assert.equal(p.severity, 'warning');
    assert.equal(p.range.start.line, 9);
  });
});

describe('config JSON schema', () => {
  it('matches the committed schema file', () => {
    const committed = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schemas', 'grok-config.schema.json'), 'utf8'));
    assert.deepEqual(committed, buildConfigJsonSchema(), 'schemas/grok-config.schema.json is stale: run npm run schema');
  });

  it('accepts the examples under the field table', () => {
    for (const name of ['mod-add-grokking.grok.yaml', 'mod-add-steady.grok.yaml', 'ising-grokking.grok.yaml', 'ising-steady.grok.yaml']) {
      const text = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', name), 'utf8');
      const r = loadConfigText(text, 'yaml');
      assert.deepEqual(r.diagnostics, [], name);
      const expected = name.startsWith('ising') ? defaultConfig({ task: 'ising', seed: 0, w0: r.config!.w0 }) : defaultConfig({ seed: 0, w0: r.config!.w0 });
      // Apart from w0, each example spells out the paper's settings, which are the task's defaults.
      assert.deepEqual(r.config, expected, name);
    }
  });
});

describe('typo suggestions', () => {
  it('suggests the key meant', () => {
    const r = loadConfigText('seed: 0\nlearningrate: 1e-3\nweight_decay: 0.1\n', 'yaml', fixedSeed);
    const messages = r.diagnostics.map((d) => d.message);
    assert.ok(messages.some((m) => m.includes('Unknown key "learningrate" is ignored. Did you mean "learningRate"?')), messages.join('\n'));
    assert.ok(messages.some((m) => m.includes('Did you mean "weightDecay"?')), messages.join('\n'));
  });

  it('lists keys when nothing is close', () => {
    const r = loadConfigText('seed: 0\nbananas: 3\n', 'yaml', fixedSeed);
    assert.match(r.diagnostics[0].message, /Known keys: task, p,/);
  });

  it("keeps the product's own keys in the authors' dialect", () => {
    const r = loadConfigText('train_type: Mod\nP: 23\nseed: 7\nepochs: 3\n', 'yaml', fixedSeed);
    assert.equal(r.config!.seed, 7);
    assert.equal(r.seedDrawn, false);
  });
});
