import assert from 'node:assert/strict';
import {
  ArgmaxAccuracy, compressibility, MagnitudePruner, magnitudePruningSweep, prunedCount, prunedLayers, pruningOrder, trapezoidArea,
} from '../../src/engine/analysis/pruning';
import { buildModularAddition } from '../../src/engine/data/modularAddition';
import { TypeScriptKernels } from '../../src/engine/kernels/typescript';
import { Rng } from '../../src/engine/rng';
import { ModularAdditionTask } from '../../src/engine/train/modularAdditionTask';
import { defaultConfig } from '../../src/shared/config/defaults';

/** One 2×4 weight matrix with four tied magnitudes of 0.1, and a bias of 2. */
const W = [0.5, -0.1, 0.1, 0.1, -0.3, 0.2, 0.1, 0.9];
const BIAS = [0.25, -0.75];
const TENSORS = [{ name: 'W', shape: [2, 4] }, { name: 'b', shape: [2] }];

function zeroedIndices(params: Float32Array, size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < size; i++) if (params[i] === 0) out.push(i);
  return out;
}

describe('magnitude pruning', () => {
  it('prunedCount uses integer arithmetic', () => {
    assert.equal(prunedCount(29, 100), 29);
    assert.equal(Math.floor(0.29 * 100), 28, 'the float grid drops one weight here');
    assert.equal(prunedCount(25, 8), 2);
    assert.equal(prunedCount(85, 8), 6);
    assert.equal(prunedCount(0, 8), 0);
    assert.equal(prunedCount(100, 8), 8);
    assert.equal(prunedCount(1, 18), 0);
    assert.equal(prunedCount(50, 18), 9);
    assert.throws(() => prunedCount(101, 8), /grid index must be an integer in \[0, 100\]/);
    assert.throws(() => prunedCount(0.5, 8), /grid index must be an integer/);
  });

  it('pruningOrder breaks ties by lowest index', () => {
    // |w| = 0.1 at indices 1, 2, 3, 6 (−0.1 and 0.1 tie), then 0.2 (5), 0.3 (4), 0.5 (0), 0.9 (7).
    const expected = [1, 2, 3, 6, 5, 4, 0, 7];
    assert.deepEqual([...pruningOrder(Float32Array.from(W))], expected);
    assert.deepEqual([...pruningOrder(Float64Array.from(W))], expected);
  });

  it('pruningOrder ranks NaN last and −0 as 0', () => {
    const w = [Number.NaN, 2, -0, Infinity, 0, -1];
    assert.deepEqual([...pruningOrder(Float32Array.from(w))], [2, 4, 5, 1, 0, 3]);
    assert.deepEqual([...pruningOrder(Float64Array.from(w))], [2, 4, 5, 1, 0, 3]);
  });

  it('zeroes exactly k entries with ties', () => {
    const source = Float32Array.from([...W, ...BIAS]);
    const target = new Float32Array(source.length);
    const pruner = new MagnitudePruner(source, TENSORS, target);

    // p = 0.25: k = 2, the first two of the four tied 0.1s. A |w| ≤ 0.1 mask would zero 4, a < mask 0.
    assert.deepEqual(pruner.pruneTo(25), [2]);
    assert.deepEqual(zeroedIndices(target, 8), [1, 2]);

    // p = 0.85: k = ⌊6.8⌋ = 6, a realised fraction of 0.75.
    assert.deepEqual(pruner.pruneTo(85), [6]);
    assert.deepEqual([...target.subarray(0, 8)], [0.5, 0, 0, 0, 0, 0, 0, Math.fround(0.9)]);

    // Going back to p = 0 restores the source.
    assert.deepEqual(pruner.pruneTo(0), [0]);
    assert.deepEqual(target, source);

    assert.deepEqual(pruner.pruneTo(100), [8]);
    assert.deepEqual([...target.subarray(0, 8)], new Array(8).fill(0));
    assert.deepEqual([...target.subarray(8)], BIAS);
  });

  it('sweep reports requested and realised fractions', () => {
    const source = Float32Array.from([...W, ...BIAS]);
    const original = source.slice();
    const target = { params: new Float32Array(source.length), tensors: TENSORS };
    const seen: number[][] = [];
    const curve = magnitudePruningSweep(source, target, () => {
      seen.push([...target.params]);
      return 1;
    });
    assert.equal(curve.points.length, 101);
    const at85 = curve.points[85];
    assert.equal(at85.requested, 0.85);
    assert.equal(at85.realised, 0.75);
    assert.deepEqual(at85.pruned, [6]);
    assert.equal(curve.points[25].realised, 0.25);
    assert.deepEqual(zeroedIndices(Float32Array.from(seen[25]), 8), [1, 2]);
    for (const params of seen) assert.deepEqual(params.slice(8), BIAS, 'biases stay untouched');
    assert.deepEqual(seen[0], [...source], 'p = 0 evaluates the unpruned parameters');
    assert.deepEqual(source, original, 'the source is only read');
    // Accuracy 1 everywhere: the area is 1 and c is infinite.
    assert.equal(curve.area, 1);
    assert.equal(curve.compressibility, Infinity);
  });

  it('rejects a target that overlaps the source', () => {
    const params = Float32Array.from([...W, ...BIAS]);
    assert.throws(() => magnitudePruningSweep(params, { params, tensors: TENSORS }, () => 1), /overlaps the source parameters/);
    const both = new Float32Array(20);
    assert.throws(() => new MagnitudePruner(both.subarray(0, 10), TENSORS, both.subarray(5, 15)), /overlaps/);
    assert.throws(() => new MagnitudePruner(params, [{ name: 'b', shape: [10] }], new Float32Array(10)), /no weight matrix or kernel/);
  });

  it('compressibility of a step curve', () => {
    // A single layer of 100 weights, accuracy 1 while at most 80 are zeroed, then 0. The trapezoid gives
    // 0.80 + 0.01·(1 + 0)/2 = 0.805, so c = 1/0.195 ≈ 5.128, close to 1/(1 − 0.8) = 5.
    const size = 100;
    const source = new Float32Array(size + 1);
    for (let i = 0; i < size; i++) source[i] = i + 1;
    const target = { params: new Float32Array(size + 1), tensors: [{ name: 'W', shape: [10, 10] }, { name: 'b', shape: [1] }] };
    const curve = magnitudePruningSweep(source, target, () => {
      let zeroed = 0;
      for (let i = 0; i < size; i++) if (target.params[i] === 0) zeroed++;
      return zeroed <= 80 ? 1 : 0;
    });
    assert.ok(Math.abs(curve.area - 0.805) < 1e-12, `area ${curve.area}`);
    assert.ok(Math.abs(curve.compressibility - 1 / 0.195) < 1e-9, `c ${curve.compressibility}`);
    assert.equal(trapezoidArea([0, 0.5, 1], [1, 1, 0]), 0.75);
    assert.equal(compressibility(0.75), 4);
    assert.equal(compressibility(0), 1);
    assert.throws(() => trapezoidArea([0, 1, 0.5], [1, 1, 1]), /must not decrease/);
  });

  describe('on the modular-addition MLP', () => {
    const kernels = new TypeScriptKernels();

    it('zeroes 1157 of fc1 and 578 of fc2 at p = 0.01', () => {
      const task = new ModularAdditionTask(defaultConfig({ task: 'modular-addition' }), kernels);
      const layers = prunedLayers(task.model.tensors);
      assert.deepEqual(layers.map((l) => l.size), [115_712, 57_856]);
      const copy = new Float32Array(task.model.parameterCount);
      const pruner = new MagnitudePruner(task.model.params, task.model.tensors, copy);
      assert.deepEqual(pruner.pruneTo(1), [1157, 578]);
      const zeros = layers.map((l) => copy.subarray(l.start, l.start + l.size).filter((v) => v === 0).length);
      assert.deepEqual(zeros, [1157, 578]);
    });

    it('accuracy at p = 0 and p = 1 of a small MLP', () => {
      // P = 17 with 24 hidden units, trained weights replaced by random ones and non-zero biases, so the
      // bias-only prediction at p = 1 is a single known class.
      const config = defaultConfig({ task: 'modular-addition', p: 17, hiddenLayers: [24], w0: 1 });
      const source = new ModularAdditionTask(config, kernels);
      const rng = new Rng(5);
      const params = source.model.params;
      for (let i = 0; i < params.length; i++) params[i] = 2 * rng.uniform() - 1;
      const original = params.slice();
      const copy = new ModularAdditionTask(config, kernels);
      const curve = magnitudePruningSweep(params, copy.model, () => copy.evaluate('test', false).accuracy);

      assert.equal(curve.points[0].accuracy, source.evaluate('test', false).accuracy);
      // With every weight zero the logits are b2 for every row, so the model predicts argmax b2.
      const b2 = params.subarray(params.length - 17);
      let best = 0;
      for (let j = 1; j < 17; j++) if (b2[j] > b2[best]) best = j;
      const targets = buildModularAddition(17, config.trainFraction, config.dataSeed).testTargets;
      const share = targets.filter((t) => t === best).length / targets.length;
      assert.equal(curve.points[100].accuracy, share);
      assert.ok(share > 0, 'the bias-only class occurs in the test set');
      assert.deepEqual(params, original, 'the source parameters are untouched after the sweep');
      assert.equal(curve.points[100].realised, 1);
    });

    it('accuracy-only evaluation matches evaluate along the sweep', () => {
      const config = defaultConfig({ task: 'modular-addition', p: 17, hiddenLayers: [24], w0: 1 });
      const source = new ModularAdditionTask(config, kernels);
      const rng = new Rng(6);
      const params = source.model.params;
      for (let i = 0; i < params.length; i++) params[i] = 2 * rng.uniform() - 1;
      const copy = new ModularAdditionTask(config, kernels);
      const data = buildModularAddition(17, config.trainFraction, config.dataSeed);
      // Batches of 20 rows, so the 87 test rows end in a partial batch.
      const argmax = new ArgmaxAccuracy(copy.model, data.testInputs, data.testTargets, 20);
      const full = magnitudePruningSweep(params, copy.model, () => copy.evaluate('test', false).accuracy);
      const fast = magnitudePruningSweep(params, copy.model, () => argmax.accuracy());
      assert.deepEqual(fast.points.map((p) => p.accuracy), full.points.map((p) => p.accuracy));
      assert.ok(new Set(full.points.map((p) => p.accuracy)).size > 3, 'the accuracy changes along the sweep');
    });
  });

  describe('ArgmaxAccuracy', () => {
    /** Returns fixed logits [rows, 3] for rows whose single input index selects the row. */
    const table = [1, 1, 0, 0, 2, 2, NaN, 5, 1, -1, -3, -2];
    const classifier = {
      classes: 3,
      inputWidth: 1,
      forward(index: Int32Array, rows: number): Float32Array {
        const out = new Float32Array(rows * 3);
        for (let r = 0; r < rows; r++) out.set(table.slice(3 * index[r], 3 * index[r] + 3), 3 * r);
        return out;
      },
    };

    it('counts the first of equal maxima as the prediction', () => {
      // Rows: [1 1 0] predicts 0, [0 2 2] predicts 1, [NaN 5 1] predicts 0 (every comparison with a NaN maximum
      // is false, as in softmaxCrossEntropy), [−1 −3 −2] predicts 0. Batches of 4 leave a partial batch of 2.
      const inputs = Int32Array.of(0, 1, 2, 3, 0, 1);
      assert.equal(new ArgmaxAccuracy(classifier, inputs, Int32Array.of(0, 1, 0, 0, 1, 2), 4).accuracy(), 4 / 6);
      assert.equal(new ArgmaxAccuracy(classifier, inputs, Int32Array.of(1, 2, 1, 2, 0, 1), 4).accuracy(), 2 / 6);
    });

    it('rejects inputs of the wrong length', () => {
      assert.throws(() => new ArgmaxAccuracy(classifier, Int32Array.of(0, 1), Int32Array.of(0), 4), /inputs has 2 indices/);
    });
  });
});
