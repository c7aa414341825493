/**
 * Benchmarks of this machine and of the library: dense matmul GFLOP/s through TensorFlow, training
 * and generation throughput, cold-start time of the CLI and peak resident memory.
 *
 * <p>Everything here measures; nothing here is used by training or serving. Timings are taken as
 * several repeats after a warm-up and reported as median with min–max ({@link Stats}), because a
 * shared machine makes any single number unreliable. The FLOP count that turns images/s into
 * GFLOP/s is derived from the model's layer shapes in {@link FlopCount}.
 */
package dev.cgan.bench;
