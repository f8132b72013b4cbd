import * as assert from 'node:assert/strict';
import { CORRELATION_BINS, correlationHistogram, histogramEdges } from '../../src/webview/ising/histogram';

describe('correlation histogram', () => {
  it('edges span −1 to 1 in equal steps', () => {
    assert.deepEqual(histogramEdges(4), [-1, -0.5, 0, 0.5, 1]);
    const edges = histogramEdges(CORRELATION_BINS);
    assert.equal(edges.length, 41);
    assert.equal(edges[0], -1);
    assert.equal(edges[40], 1);
    assert.equal(edges[20], 0);
  });

  it('puts values on an edge in the bin above it', () => {
    const h = correlationHistogram([-0.5, 0, 0.5], 4);
    assert.deepEqual(h.counts, [0, 1, 1, 1]);
  });

  it('puts exactly −1 in the first bin and +1 in the last', () => {
    const h = correlationHistogram([-1, 1, 1], 4);
    assert.deepEqual(h.counts, [1, 0, 0, 2]);
  });

  it('skips nulls and non-finite values', () => {
    const h = correlationHistogram([null, Number.NaN, 0.2, null, Number.POSITIVE_INFINITY], 4);
    assert.deepEqual(h.counts, [0, 0, 1, 0]);
    assert.equal(h.skipped, 4);
  });

  it('clamps values rounded past ±1 into the end bins', () => {
    const h = correlationHistogram([1 + 2e-16, -1 - 2e-16], 4);
    assert.deepEqual(h.counts, [1, 0, 0, 1]);
  });

  it('matches a count by edge comparison on 40 bins', () => {
    // Multiples of 0.05 sit on edges, where dividing by the bin width rounds either way.
    const values = Array.from({ length: 401 }, (_, i) => -1 + i / 200);
    const h = correlationHistogram(values);
    const edges = histogramEdges(CORRELATION_BINS);
    const expected = new Array<number>(CORRELATION_BINS).fill(0);
    for (const v of values) {
      let bin = 0;
      while (bin < CORRELATION_BINS - 1 && v >= edges[bin + 1]) bin++;
      expected[bin]++;
    }
    assert.deepEqual(h.counts, expected);
    assert.equal(h.counts.reduce((a, b) => a + b, 0), 401);
    assert.equal(h.counts[CORRELATION_BINS - 1], 11, 'the last bin holds 0.95 … 1 in steps of 0.005, 1 included');
  });

  it('rejects a bin count below 1', () => {
    assert.throws(() => correlationHistogram([0], 0), /bins/);
  });
});
