import type { IsingSample } from '../../shared/isingFeatures';

/**
 * Mapping of stored spin strings onto image pixels, and the order of the snapshot strip. Pure, so unit tests
 * cover it. Spin +1 is white and −1 black, as in the snapshots of Fig. 1 of arXiv 2502.01739, whatever the theme.
 */
const UP_GREY = 255;
const DOWN_GREY = 0;

/** Returns the RGBA pixels (L² · 4 bytes, row-major) of a lattice stored as L² characters of '+' and '-'. */
export function latticePixels(spins: string, L: number): Uint8ClampedArray<ArrayBuffer> {
  if (spins.length !== L * L) throw new RangeError(`a ${L}×${L} lattice needs ${L * L} spins, got ${spins.length}`);
  const pixels = new Uint8ClampedArray(4 * spins.length);
  for (let i = 0; i < spins.length; i++) {
    const c = spins[i];
    if (c !== '+' && c !== '-') throw new RangeError(`spin ${i} is ${JSON.stringify(c)}, not '+' or '-'`);
    const grey = c === '+' ? UP_GREY : DOWN_GREY;
    pixels[4 * i] = grey;
    pixels[4 * i + 1] = grey;
    pixels[4 * i + 2] = grey;
    pixels[4 * i + 3] = 255;
  }
  return pixels;
}

/** Returns the samples by rising temperature and how many lie below T_c, which is where the T_c mark goes. */
export function stripOrder(samples: readonly IsingSample[], criticalTemperature: number): { samples: IsingSample[]; belowCritical: number } {
  const sorted = [...samples].sort((a, b) => a.temperature - b.temperature);
  return { samples: sorted, belowCritical: sorted.filter((s) => s.temperature < criticalTemperature).length };
}
