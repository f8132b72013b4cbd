import * as assert from 'node:assert/strict';
import type { IsingSample } from '../../src/shared/isingFeatures';
import { energyPerBond, magnetisationPerSpin } from '../../src/shared/isingUnits';
import { latticePixels, stripOrder } from '../../src/webview/ising/lattice';

function sample(temperature: number): IsingSample {
  return { temperature, energy: 0, magnetisation: 0, label: 0, spins: '++++' };
}

describe('Ising lattice pixels', () => {
  it('draws + white and − black, row-major', () => {
    const pixels = latticePixels('+--+', 2);
    assert.deepEqual([...pixels], [255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 255]);
  });

  it('rejects a string of the wrong length', () => {
    assert.throws(() => latticePixels('+++', 2), /needs 4 spins, got 3/);
  });

  it('rejects a character other than + and −', () => {
    assert.throws(() => latticePixels('++0+', 2), /spin 2/);
  });

  it('orders samples by temperature and counts those below T_c', () => {
    const { samples, belowCritical } = stripOrder([sample(3), sample(1.5), sample(2.269185), sample(2.2)], 2.269185);
    assert.deepEqual(
      samples.map((s) => s.temperature),
      [1.5, 2.2, 2.269185, 3],
    );
    assert.equal(belowCritical, 2, 'a sample at T_c counts as disordered');
  });
});

describe('Ising per-site units', () => {
  it('gives −1 per bond for an aligned lattice and +1 for a checkerboard', () => {
    // L = 16: 2L² = 512 bonds, each −1 when aligned and +1 on a checkerboard.
    assert.equal(energyPerBond(-512, 16), -1);
    assert.equal(energyPerBond(512, 16), 1);
    // L = 3, one flipped spin in an aligned lattice: 4 of its 18 bonds turn to +1, so E = −18 + 8 = −10.
    assert.equal(energyPerBond(-10, 3), -10 / 18);
  });

  it('divides M by the spin count', () => {
    assert.equal(magnetisationPerSpin(256, 16), 1);
    assert.equal(magnetisationPerSpin(-254, 16), -254 / 256);
    assert.equal(magnetisationPerSpin(7, 3), 7 / 9);
  });
});
