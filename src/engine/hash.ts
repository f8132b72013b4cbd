/**
 * FNV-1a 64-bit hashes (Fowler, Noll and Vo), used to identify a run's data split and initial parameters. The
 * 64-bit state is kept as two 32-bit halves so that no BigInt arithmetic runs per byte.
 */

/** FNV-1a 64 offset basis 0xcbf29ce484222325, split into halves. */
const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
/** The FNV 64-bit prime is 2⁴⁰ + 0x1b3. */
const PRIME_LOW_PART = 0x1b3;

/** Returns the FNV-1a 64 hash of `bytes` as 16 lower-case hex digits. */
export function fnv1a64(bytes: Uint8Array): string {
  let hi = OFFSET_HI;
  let lo = OFFSET_LO;
  for (let i = 0; i < bytes.length; i++) {
    lo = (lo ^ bytes[i]) >>> 0;
    // h·(2⁴⁰ + 0x1b3) mod 2⁶⁴: every intermediate stays below 2⁴³, so doubles hold it exactly.
    const low = lo * PRIME_LOW_PART;
    const carry = Math.floor(low / 4294967296);
    const high = hi * PRIME_LOW_PART + carry + ((lo << 8) >>> 0);
    lo = low >>> 0;
    hi = high % 4294967296;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** Returns the FNV-1a 64 hash of a typed array's bytes in the machine's byte order (little-endian on x86 and ARM). */
export function fnv1a64OfArray(array: Int32Array | Float32Array | Float64Array): string {
  return fnv1a64(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
}
