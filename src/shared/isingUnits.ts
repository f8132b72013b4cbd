/**
 * Per-site units of the Ising observables. The run files store E and M as lattice sums: E = −Σ σ_i σ_j over the
 * 2L² nearest-neighbour bonds of a periodic L×L lattice, and M = Σ σ_i over its L² spins. Divided by those counts
 * both lie in [−1, 1], whatever L is, which is how the code released with arXiv 2502.01739 plots the energy.
 */

/** Returns E / (2L²), the energy per bond. */
export function energyPerBond(energy: number, L: number): number {
  return energy / (2 * L * L);
}

/** Returns M / L², the magnetisation per spin. */
export function magnetisationPerSpin(magnetisation: number, L: number): number {
  return magnetisation / (L * L);
}
