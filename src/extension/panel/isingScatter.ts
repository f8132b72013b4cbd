import type { IsingScatter } from '../../engine/store/features';
import type { IsingScatterSeries } from '../../shared/isingPanelProtocol';
import { energyPerBond } from '../../shared/isingUnits';

/** Converts a scatter file's columns into the panel's message form, with E per bond so its axis spans [−1, 1]. */
export function scatterSeries(epoch: number, unit: number, scatter: IsingScatter, L: number): IsingScatterSeries {
  return {
    epoch,
    unit,
    energies: Array.from(scatter.energy, (energy) => energyPerBond(energy, L)),
    activations: Array.from(scatter.preactivation),
  };
}
