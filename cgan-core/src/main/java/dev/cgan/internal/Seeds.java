package dev.cgan.internal;

/** Derives independent 64-bit seeds from one user seed, so each layer and random stream differs. */
public final class Seeds {
  private Seeds() {}

  /** SplitMix64 of {@code seed} and {@code stream}: well spread for neighbouring inputs. */
  public static long derive(long seed, long stream) {
    long z = seed + (stream + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
