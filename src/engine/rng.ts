/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman and Vigna, 2018) seeded through SplitMix32. The whole
 * state is four 32-bit words, so every operation stays in JavaScript's fast int32 arithmetic. Any integer in
 * [0, 2³²) is a valid seed, 0 included.
 */

const TWO_POW_32 = 4294967296;
/** 2⁻⁵³: turns a 53-bit integer into a double in [0, 1). */
const TWO_POW_MINUS_53 = 1 / 9007199254740992;
const GOLDEN_GAMMA = 0x9e3779b9;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** MurmurHash3's 32-bit finaliser: a bijection on 32-bit words that spreads every input bit over the output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function checkWord(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value >= TWO_POW_32) {
    throw new RangeError(`${what} must be an integer in [0, 4294967295], got ${value}`);
  }
  return value;
}

/**
 * Derives the seed of an independent child stream from a parent seed and one or more stream ids, e.g.
 * `deriveSeed(seed, STREAM_ISING, snapshotIndex)`. The same arguments always give the same seed, and changing
 * any argument gives an unrelated one (up to 32-bit collisions).
 */
export function deriveSeed(seed: number, ...streamIds: number[]): number {
  let h = fmix32(checkWord(seed, 'seed') ^ 0x6a09e667);
  for (let i = 0; i < streamIds.length; i++) {
    const id = checkWord(streamIds[i], 'stream id');
    h = fmix32((h ^ fmix32((id + Math.imul(i + 1, GOLDEN_GAMMA)) >>> 0)) >>> 0);
    h = (h + GOLDEN_GAMMA) >>> 0;
  }
  return h;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Second deviate of the last Box–Muller pair, or NaN when none is stored. */
  private spareNormal = NaN;

  constructor(seed: number) {
    // SplitMix32 expands the seed into four state words; consecutive seeds give unrelated states.
    let x = checkWord(seed, 'seed');
    const next = (): number => {
      x = (x + GOLDEN_GAMMA) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    // xoshiro's only forbidden state is all zeros.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Returns the next 32-bit output as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Returns a double uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * TWO_POW_MINUS_53;
  }

  /** Returns an integer uniform in [0, n) for 1 ≤ n ≤ 2³², by rejection so that no value is favoured. */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new RangeError(`below(n) needs an integer n in [1, 2^32], got ${n}`);
    // Accept only draws under the largest multiple of n that fits in 32 bits.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /**
   * Returns a standard normal deviate by the Box–Muller transform. Two uniforms u1 ∈ (0, 1] and u2 ∈ [0, 1) give
   * the pair √(−2 ln u1)·cos(2πu2) and √(−2 ln u1)·sin(2πu2). The second is kept for the next call.
   */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const spare = this.spareNormal;
      this.spareNormal = NaN;
      return spare;
    }
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Shuffles `array` in place by Fisher–Yates (Durstenfeld's form) and returns it. */
  shuffle<T extends { length: number; [index: number]: number }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }
}
