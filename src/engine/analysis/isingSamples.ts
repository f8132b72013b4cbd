import type { IsingSample, IsingSampleStrip } from '../../shared/isingFeatures';
import type { IsingDataset } from '../data/ising/dataset';
import { CRITICAL_TEMPERATURE } from '../data/ising/physics';

/** Temperatures shown in a run's sample strip: enough to see the ordered, critical and disordered looks. */
export const SAMPLE_STRIP_TEMPERATURES = 10;

/** Returns the first snapshot index of each temperature; the generator stores a temperature's snapshots together. */
function temperatureStarts(dataset: IsingDataset): number[] {
  const starts: number[] = [];
  for (let i = 0; i < dataset.count; i++) {
    if (i === 0 || dataset.temperature[i] !== dataset.temperature[i - 1]) starts.push(i);
  }
  return starts;
}

/**
 * Picks up to `count` temperatures evenly spread over the dataset's temperatures, both ends included, and returns
 * the first snapshot of each with its E, M and phase label.
 */
export function isingSampleStrip(dataset: IsingDataset, count = SAMPLE_STRIP_TEMPERATURES): IsingSampleStrip {
  const starts = temperatureStarts(dataset);
  const shownCount = Math.min(count, starts.length);
  const n = dataset.L * dataset.L;
  const samples: IsingSample[] = [];
  for (let j = 0; j < shownCount; j++) {
    const t = shownCount === 1 ? 0 : Math.round((j * (starts.length - 1)) / (shownCount - 1));
    const i = starts[t];
    let spins = '';
    for (let s = 0; s < n; s++) spins += dataset.spins[i * n + s] > 0 ? '+' : '-';
    samples.push({
      temperature: dataset.temperature[i],
      energy: dataset.energy[i],
      magnetisation: dataset.magnetisation[i],
      label: dataset.label[i],
      spins,
    });
  }
  return { L: dataset.L, criticalTemperature: CRITICAL_TEMPERATURE, samples };
}
