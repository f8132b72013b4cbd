import type { InitName } from '../../shared/config/types';
import type { FloatArray } from '../kernels/types';
import type { Rng } from '../rng';

/**
 * Draws one layer's weight and bias in place, then multiplies both by w0. `fanIn` and `fanOut` count the inputs
 * and outputs one weight connects, so a 3×3 convolution passes channels·9.
 *   xavier-normal:   W ~ N(0, 2/(fan_in + fan_out)), b = 0.
 *   pytorch-default: W, b ~ U(−1/√fan_in, 1/√fan_in) (the defaults of torch.nn.Linear and torch.nn.Conv2d).
 */
export function initLayer(weight: FloatArray, bias: FloatArray, fanIn: number, fanOut: number, rng: Rng, scheme: InitName, w0: number): void {
  if (scheme === 'xavier-normal') {
    const std = Math.sqrt(2 / (fanIn + fanOut));
    for (let i = 0; i < weight.length; i++) weight[i] = w0 * std * rng.normal();
    bias.fill(0);
  } else {
    const bound = 1 / Math.sqrt(fanIn);
    for (let i = 0; i < weight.length; i++) weight[i] = w0 * bound * (2 * rng.uniform() - 1);
    for (let i = 0; i < bias.length; i++) bias[i] = w0 * bound * (2 * rng.uniform() - 1);
  }
}
