import * as assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { createWasmKernels, instantiateKernelModule, type KernelModule } from '../../src/engine/kernels/wasmKernels';
import { CONTROL_INTS, RowOp, RowSplitter, type AdamFunction, type RowsFunction } from '../../src/engine/kernels/wasmThreads';
import { DEFAULT_THREADS, loadKernels, threadCount } from '../../src/engine/kernels/index';
import { ensureWasmBuilt, wasmPath } from './wasmBuild';

type Layout = 'matmul' | 'matmulTransA' | 'matmulTransB';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function randomFill(rng: Rng, x: Float32Array): void {
  for (let i = 0; i < x.length; i++) x[i] = 2 * rng.uniform() - 1;
}

function assertSameBits(actual: Float32Array, expected: Float32Array, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${label}[${i}]: two threads ${actual[i]} vs one ${expected[i]}`);
  }
}

/**
 * Builds a module with the kernel module's two row-range exports that writes nothing: its functions trap at
 * once (`unreachable`) or loop for ever (`loop br 0`). A helper running it plays one that fails or stalls.
 */
function fakeHelperModule(body: 'trap' | 'spin'): unknown {
  const code = body === 'trap' ? [0x00, 0x00, 0x0b] : [0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b];
  const text = (s: string) => [s.length, ...Buffer.from(s, 'latin1')];
  const section = (id: number, content: number[]) => [id, content.length, ...content];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    // One type: nine i32 parameters, no result.
    ...section(1, [0x01, 0x60, 0x09, ...Array<number>(9).fill(0x7f), 0x00]),
    // Import env.memory: shared, minimum 0, maximum 32768 pages (LEB128 80 80 02), as the kernel module declares.
    ...section(2, [0x01, ...text('env'), ...text('memory'), 0x02, 0x03, 0x00, 0x80, 0x80, 0x02]),
    ...section(3, [0x02, 0x00, 0x00]),
    ...section(7, [0x02, ...text('matmulRows'), 0x00, 0x00, ...text('matmulTransARows'), 0x00, 0x01]),
    ...section(10, [0x02, code.length, ...code, code.length, ...code]),
  ];
  const wasm = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => unknown } }).WebAssembly;
  return new wasm.Module(Uint8Array.from(bytes));
}

describe('wasm-simd kernels on two threads', function () {
  before(function () {
    const skipReason = ensureWasmBuilt();
    if (skipReason !== undefined) {
      console.warn(`skipping the two-thread kernel tests: ${skipReason}`);
      this.skip();
    }
  });

  it('matches one thread bit for bit', async () => {
    const one = await createWasmKernels(wasmPath, { threads: 1 });
    // Every product with at least 8 rows is split, into chunks as small as 4 rows.
    const two = await createWasmKernels(wasmPath, { threads: 2, minMultiplyAdds: 0, chunks: 30 });
    try {
      assert.equal(one.name, 'wasm-simd');
      assert.equal(two.name, 'wasm-simd-2t');
      const rng = new Rng(11);
      const sizes = [1, 5, 8, 9, 13, 33, 64, 113, 130, 257];
      const layouts: Layout[] = ['matmul', 'matmulTransA', 'matmulTransB'];
      const cases: [Layout, number, number, number][] = [];
      for (const layout of layouts) {
        for (const m of sizes) cases.push([layout, m, sizes[rng.below(sizes.length)], sizes[rng.below(sizes.length)]]);
        cases.push([layout, 1024, 512, 113], [layout, 512, 300, 113], [layout, 300, 113, 512]);
      }
      // The helper starts with the first split product; later rounds find it awake.
      for (let round = 0; round < 3; round++) {
        for (const [layout, m, k, n] of cases) {
          const aLength = m * k;
          const bLength = layout === 'matmulTransB' ? n * k : k * n;
          const inputs = [new Float32Array(aLength), new Float32Array(bLength)];
          inputs.forEach((x) => randomFill(rng, x));
          const results = [one, two].map((kernels) => {
            const a = kernels.alloc(aLength);
            const b = kernels.alloc(bLength);
            const c = kernels.alloc(m * n);
            a.set(inputs[0]);
            b.set(inputs[1]);
            c.fill(Number.NaN);
            kernels[layout](a, b, c, m, k, n);
            return c;
          });
          assertSameBits(results[1], results[0], `${layout} ${m}×${k}×${n}`);
        }
        await sleep(100);
      }
      // The comparison above only means something if the helper computed some of the rows.
      assert.ok(two.helperChunks > 0, 'the helper computed no chunk');
    } finally {
      two.dispose();
    }
  });

  it('keeps splitting correctly after the memory grows', async () => {
    const one = await createWasmKernels(wasmPath, { threads: 1 });
    const two = await createWasmKernels(wasmPath, { threads: 2, minMultiplyAdds: 0 });
    try {
      const rng = new Rng(12);
      const [m, k, n] = [260, 70, 90];
      const run = (kernels: typeof one, a: Float32Array, b: Float32Array) => {
        const pa = kernels.alloc(a.length);
        const pb = kernels.alloc(b.length);
        const c = kernels.alloc(m * n);
        pa.set(a);
        pb.set(b);
        c.fill(Number.NaN);
        kernels.matmul(pa, pb, c, m, k, n);
        return c;
      };
      const a = new Float32Array(m * k);
      const b = new Float32Array(k * n);
      randomFill(rng, a);
      randomFill(rng, b);
      run(two, a, b);
      await sleep(100);
      // 48 MiB more than anything so far, so the shared memory grows under the running helper.
      two.alloc(12 * 1024 * 1024);
      const before = two.helperChunks;
      for (let r = 0; r < 20 && two.helperChunks === before; r++) {
        assertSameBits(run(two, a, b), run(one, a, b), `after growing, round ${r}`);
        await sleep(20);
      }
      assert.ok(two.helperChunks > before, 'the helper computed no chunk after the memory grew');
    } finally {
      two.dispose();
    }
  });

  it('never splits an accumulating product', async () => {
    const one = await createWasmKernels(wasmPath, { threads: 1 });
    const two = await createWasmKernels(wasmPath, { threads: 2, minMultiplyAdds: 0 });
    try {
      const rng = new Rng(13);
      const [m, k, n] = [96, 40, 24];
      const a = new Float32Array(m * k);
      const b = new Float32Array(k * n);
      const c0 = new Float32Array(m * n);
      [a, b, c0].forEach((x) => randomFill(rng, x));
      const results = [one, two].map((kernels) => {
        const pa = kernels.alloc(a.length);
        const pb = kernels.alloc(b.length);
        const c = kernels.alloc(c0.length);
        pa.set(a);
        pb.set(b);
        c.set(c0);
        kernels.matmul(pa, pb, c, m, k, n, true);
        return c;
      });
      assertSameBits(results[1], results[0], 'accumulated matmul');
      // By hand for one element: C[5, 7] = C0[5, 7] + Σ_p A[5, p]·B[p, 7] in float32, p ascending.
      let s = Math.fround(c0[5 * n + 7]);
      for (let p = 0; p < k; p++) s = Math.fround(s + Math.fround(a[5 * k + p] * b[p * n + 7]));
      assert.equal(results[1][5 * n + 7], s);
      assert.equal(two.helperChunks, 0);
    } finally {
      two.dispose();
    }
  });

  for (const coupled of [true, false]) {
    it(`splits Adam (${coupled ? 'coupled' : 'decoupled'} decay) with results equal to one thread's bit for bit`, async () => {
      const one = await createWasmKernels(wasmPath, { threads: 1 });
      // Every step of at least 8 parameters is split, into chunks as small as 4 elements.
      const two = await createWasmKernels(wasmPath, { threads: 2, minAdamLength: 0, adamChunks: 30 });
      try {
        const rng = new Rng(coupled ? 15 : 16);
        for (const length of [8, 13, 101, 1001, 40003]) {
          const start = [0, 1, 2, 3].map(() => new Float32Array(length));
          randomFill(rng, start[0]);
          for (let i = 0; i < length; i++) start[1][i] = 1e-2 * (2 * rng.uniform() - 1);
          const states = [one, two].map((kernels) => {
            const [param, grad, m, v] = start.map((x) => {
              const y = kernels.alloc(length);
              y.set(x);
              return y;
            });
            return { kernels, param, grad, m, v };
          });
          const helperBefore = two.helperChunks;
          for (let step = 1; step <= 5; step++) {
            for (const { kernels, param, grad, m, v } of states) {
              kernels.adamStep(param, grad, m, v, length, step, 1e-3, 0.9, 0.98, 1e-8, 1, coupled);
              // A new gradient each step, the same for both sets.
              for (let i = 0; i < length; i += 7) grad[i] = -grad[i];
            }
            if (length > 1000) await sleep(5);
          }
          for (const key of ['param', 'm', 'v'] as const) assertSameBits(states[1][key], states[0][key], `${key} after 5 steps of ${length}`);
          // The first step changes every parameter, so equal parameters are not equal starting values.
          assert.ok(!Object.is(states[1].param[length - 1], start[0][length - 1]), 'Adam did not move the last parameter');
          if (length === 40003) assert.ok(two.helperChunks > helperBefore, 'the helper computed no Adam chunk');
        }
      } finally {
        two.dispose();
      }
    });
  }

  for (const float64 of [true, false]) {
    it(`splits the ${float64 ? 'float64' : 'float32'} softmax by rows and adds the chunks' losses in chunk order`, async () => {
      const one = await createWasmKernels(wasmPath, { threads: 1 });
      const two = await createWasmKernels(wasmPath, { threads: 2, minSoftmaxRows: 0, softmaxChunks: 8 });
      try {
        const rng = new Rng(float64 ? 17 : 18);
        // 100 rows in at most 8 chunks of a multiple of 4 rows: 7 chunks of 16 rows, the last of 4.
        const [rows, classes, chunkRows] = [100, 113, 16];
        const logits = new Float32Array(rows * classes);
        for (let i = 0; i < logits.length; i++) logits[i] = 6 * (2 * rng.uniform() - 1);
        const targets = new Int32Array(rows);
        for (let r = 0; r < rows; r++) targets[r] = rng.below(classes);
        // Two rows the network gets right, so that the correct count is not 0.
        for (const r of [3, 70]) logits[r * classes + targets[r]] = 50;
        const run = (kernels: typeof one) => {
          const pl = kernels.alloc(logits.length);
          const dLogits = kernels.alloc(logits.length);
          pl.set(logits);
          dLogits.fill(Number.NaN);
          return { ...kernels.softmaxCrossEntropy(pl, targets, dLogits, rows, classes, 1 / rows, float64), dLogits };
        };
        const reference = run(one);
        // The expected sum: one thread's loss of each chunk of rows, added in chunk order.
        let chunked = 0;
        for (let r0 = 0; r0 < rows; r0 += chunkRows) {
          const r1 = Math.min(rows, r0 + chunkRows);
          const pl = one.alloc((r1 - r0) * classes);
          pl.set(logits.subarray(r0 * classes, r1 * classes));
          const part = one.softmaxCrossEntropy(pl, targets.subarray(r0, r1), null, r1 - r0, classes, 1, float64).lossSum;
          chunked = float64 ? chunked + part : Math.fround(chunked + part);
        }
        const helperBefore = two.helperChunks;
        const losses: number[] = [];
        for (let round = 0; round < 6; round++) {
          const split = run(two);
          assertSameBits(split.dLogits, reference.dLogits, `dLogits, round ${round}`);
          assert.equal(split.correct, reference.correct);
          assert.equal(split.collapsed, reference.collapsed);
          assert.equal(split.lossSum, chunked, `loss sum, round ${round}`);
          losses.push(split.lossSum);
          await sleep(round % 2 === 0 ? 0 : 20);
        }
        assert.ok(reference.correct >= 2);
        // One call over all rows adds the rows in one sequence; the chunked sum may differ only in its last bits.
        const tolerance = float64 ? 1e-12 : 1e-6;
        assert.ok(Math.abs(chunked - reference.lossSum) <= tolerance * reference.lossSum, `${chunked} vs ${reference.lossSum}`);
        assert.ok(two.helperChunks > helperBefore, 'the helper computed no softmax chunk');
      } finally {
        two.dispose();
      }
    });
  }

  describe('a helper that fails or stalls', () => {
    let kernel: KernelModule;
    const [m, k, n] = [64, 48, 40];
    let pa: number, pb: number, pc: number, control: number;
    let expected: Float32Array;

    before(async () => {
      kernel = await instantiateKernelModule(wasmPath);
      const base = Math.ceil(kernel.exports.heapBase() / 16) * 16;
      control = base;
      pa = control + CONTROL_INTS * 4;
      pb = pa + m * k * 4;
      pc = pb + k * n * 4;
      const end = pc + 2 * m * n * 4;
      const buffer = kernel.memory.buffer;
      if (end > buffer.byteLength) kernel.memory.grow(Math.ceil((end - buffer.byteLength) / 65536));
      const rng = new Rng(14);
      randomFill(rng, new Float32Array(kernel.memory.buffer, pa, m * k));
      randomFill(rng, new Float32Array(kernel.memory.buffer, pb, k * n));
      // The reference: one call over all rows, written after C.
      kernel.exports.matmulRows(pa, pb, pc + m * n * 4, m, k, n, 0, m, 0);
      expected = new Float32Array(kernel.memory.buffer, pc + m * n * 4, m * n).slice();
    });

    /**
     * Runs matmul through a splitter whose helper runs `helperModule`. The caller sleeps 50 ms before its
     * first chunk, so that the awake helper claims chunks of its own.
     */
    async function splitWith(helperModule: unknown, helperTimeoutMs: number): Promise<{ c: Float32Array; lines: string[]; splitter: RowSplitter }> {
      const lines: string[] = [];
      const pause = new Int32Array(new SharedArrayBuffer(4));
      let slow = false;
      const matmulRows: RowsFunction = (...args) => {
        if (slow) {
          Atomics.wait(pause, 0, 0, 50);
          slow = false;
        }
        kernel.exports.matmulRows(...args);
      };
      const splitter = new RowSplitter({
        module: helperModule, memory: kernel.memory, control, ops: [matmulRows, kernel.exports.matmulTransARows],
        minMultiplyAdds: 0, chunks: 8, helperSpinMs: 0, helperTimeoutMs, log: (line) => lines.push(line),
      });
      // A first product starts the helper; the time after it lets the helper instantiate its module and sleep.
      splitter.run(RowOp.Matmul, pa, pb, pc, m, k, n);
      await sleep(300);
      new Float32Array(kernel.memory.buffer, pc, m * n).fill(Number.NaN);
      slow = true;
      splitter.run(RowOp.Matmul, pa, pb, pc, m, k, n);
      return { c: new Float32Array(kernel.memory.buffer, pc, m * n).slice(), lines, splitter };
    }

    it('computes the rows of a helper that traps, and says so once', async () => {
      const { c, lines, splitter } = await splitWith(fakeHelperModule('trap'), 60000);
      try {
        assertSameBits(c, expected, 'after a trapping helper');
        assert.equal(lines.length, 1);
        assert.match(lines[0], /helper thread failed.*one thread/);
        // Later products run on the caller alone and stay correct.
        splitter.run(RowOp.Matmul, pa, pb, pc, m, k, n);
        assertSameBits(new Float32Array(kernel.memory.buffer, pc, m * n), expected, 'after the fallback');
        assert.equal(lines.length, 1);
      } finally {
        splitter.close();
      }
    });

    it('computes the Adam chunks of a helper that fails, and says so once', async () => {
      const length = 4000;
      // Parameters, gradients and the two moments, after the product's two outputs.
      const [param, grad, mo, vo] = [0, 1, 2, 3].map((i) => pc + 2 * m * n * 4 + i * length * 4);
      const end = vo + length * 4;
      if (end > kernel.memory.buffer.byteLength) kernel.memory.grow(Math.ceil((end - kernel.memory.buffer.byteLength) / 65536));
      const view = (offset: number) => new Float32Array(kernel.memory.buffer, offset, length);
      const rng = new Rng(19);
      const start = [0, 1].map(() => {
        const x = new Float32Array(length);
        randomFill(rng, x);
        return x;
      });
      const scalars = [1e-3 / (1 - 0.9), Math.sqrt(1 - 0.98), 0.9, 0.98, 1e-8, 0, 1 - 1e-3] as const;
      // The reference: one call over all elements.
      view(param).set(start[0]);
      view(grad).set(start[1]);
      view(mo).fill(0);
      view(vo).fill(0);
      kernel.exports.adamStep(param, grad, mo, vo, length, ...scalars);
      const expected = [param, mo, vo].map((offset) => view(offset).slice());
      view(param).set(start[0]);
      view(mo).fill(0);
      view(vo).fill(0);

      const lines: string[] = [];
      const pause = new Int32Array(new SharedArrayBuffer(4));
      let slow = false;
      const adamStep: AdamFunction = (...args) => {
        if (slow) {
          Atomics.wait(pause, 0, 0, 50);
          slow = false;
        }
        kernel.exports.adamStep(...args);
      };
      // The fake module has no adamStep, so the helper fails when it calls it, before writing anything.
      const splitter = new RowSplitter({
        module: fakeHelperModule('trap'), memory: kernel.memory, control, ops: [kernel.exports.matmulRows, kernel.exports.matmulTransARows],
        minMultiplyAdds: Infinity, chunks: 8, adam: adamStep, minAdamLength: 0, adamChunks: 8, helperSpinMs: 0,
        helperTimeoutMs: 60000, log: (line) => lines.push(line),
      });
      try {
        // A first split step starts the helper, which is still loading while the caller computes every chunk;
        // the step is then undone, and the pause lets the helper instantiate its module and sleep.
        splitter.adam(param, grad, mo, vo, length, scalars);
        view(param).set(start[0]);
        view(mo).fill(0);
        view(vo).fill(0);
        await sleep(300);
        // The caller sleeps 50 ms before its first chunk, so that the awake helper claims chunks of its own.
        slow = true;
        splitter.adam(param, grad, mo, vo, length, scalars);
        assert.equal(lines.length, 1);
        assert.match(lines[0], /helper thread failed.*one thread/);
        [param, mo, vo].forEach((offset, i) => assertSameBits(view(offset), expected[i], `Adam after a failing helper, ${i}`));
      } finally {
        splitter.close();
      }
    });

    it('computes the rows of a helper that never finishes, after the timeout', async () => {
      const { c, lines, splitter } = await splitWith(fakeHelperModule('spin'), 200);
      try {
        assertSameBits(c, expected, 'after a stalled helper');
        assert.equal(lines.length, 1);
        assert.match(lines[0], /did not finish within 200 ms/);
      } finally {
        splitter.close();
      }
    });
  });

  describe('the thread option', () => {
    it('reads the option, then GROKKING_INSPECTOR_THREADS', () => {
      assert.equal(threadCount({ threads: 1 }, '2'), 1);
      assert.equal(threadCount({}, '1'), 1);
      assert.equal(threadCount({}, '2'), 2);
      assert.throws(() => threadCount({}, '3'), /must be 1 or 2/);
    });

    it('defaults to one thread on one CPU', () => {
      assert.equal(threadCount({}, undefined, 1), 1);
      assert.equal(threadCount({}, '', 4), DEFAULT_THREADS);
      assert.equal(threadCount({}, '2', 1), 2);
    });

    it('records the thread count in the kernel name', async () => {
      const one = await loadKernels('wasm', undefined, { threads: 1 });
      const two = await loadKernels('wasm', undefined, { threads: 2 });
      assert.equal(one.name, 'wasm-simd');
      assert.equal(two.name, 'wasm-simd-2t');
      two.dispose?.();
    });
  });
});
