/**
 * Pure-TypeScript reference implementations of the kernels. Tests check the native kernels against
 * them; the bench uses them as the JS baseline. Each returns exactly what its C++ twin returns.
 */
import type { KernelName, KernelParams } from '../types.js';

export function primes({ n }: KernelParams['primes']): number {
  let count = 0;
  for (let k = 2; k < n; k++) {
    let prime = true;
    if (k > 2 && k % 2 === 0) {
      prime = false;
    } else {
      for (let d = 3; d * d <= k; d += 2) {
        if (k % d === 0) {
          prime = false;
          break;
        }
      }
    }
    if (prime) count++;
  }
  return count;
}

export function mandelbrot({ width, height, maxIter }: KernelParams['mandelbrot']): number {
  let total = 0;
  for (let y = 0; y < height; y++) {
    const cy = -1.25 + (2.5 * y) / height;
    for (let x = 0; x < width; x++) {
      const cx = -2.0 + (2.5 * x) / width;
      let zx = 0;
      let zy = 0;
      let i = 0;
      while (i < maxIter && zx * zx + zy * zy <= 4.0) {
        const t = zx * zx - zy * zy + cx;
        zy = 2.0 * zx * zy + cy;
        zx = t;
        i++;
      }
      total += i;
    }
  }
  return total;
}

export function hash({ bytes, rounds }: KernelParams['hash']): number {
  const buffer = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) buffer[i] = Math.imul(i, 2654435761 | 0) >>> 24;
  let h = 2166136261 >>> 0;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < bytes; i++) {
      h = Math.imul(h ^ buffer[i]!, 16777619) >>> 0;
    }
  }
  return h;
}

function cpuNowUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Burns cpuUs of process CPU (the JS thread is the only busy thread when it runs). */
export function spin({ cpuUs }: KernelParams['spin']): number {
  const start = cpuNowUs();
  let x = 2463534242;
  while (cpuNowUs() - start < cpuUs) {
    for (let i = 0; i < 512; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
    }
  }
  return x === 0.5 ? -1 : cpuUs; // never true; keeps x alive
}

/** Blocks the JS thread without using CPU (Atomics.wait). */
export function sleep({ us }: KernelParams['sleep']): number {
  if (us > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, us / 1000);
  return us;
}

export function mixed({ computeUs, waitUs, repeats }: KernelParams['mixed']): number {
  for (let r = 0; r < repeats; r++) {
    spin({ cpuUs: computeUs });
    sleep({ us: waitUs });
  }
  return repeats * (computeUs + waitUs);
}

export function stream({ bytes, passes }: KernelParams['stream']): number {
  const words = Math.floor(bytes / 4);
  const a = new Uint32Array(words);
  for (let i = 0; i < words; i++) a[i] = Math.imul(i, 2654435761 | 0);
  let sum = 0;
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < words; i++) {
      const v = (Math.imul(a[i]!, 3) + p) >>> 0;
      a[i] = v;
      sum = (sum + v) >>> 0;
    }
  }
  return sum;
}

export function noop(): number {
  return 0;
}

type Reference = { [K in KernelName]: (params: KernelParams[K]) => number };

/** The references by kernel name. */
export const reference: Readonly<Reference> = Object.freeze({
  noop,
  primes,
  mandelbrot,
  hash,
  spin,
  sleep,
  mixed,
  stream,
});
