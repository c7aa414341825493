/**
 * The training graph, its step, its memory estimate and its logs (metrics CSV, TensorBoard events),
 * and the choice of its threads by a side-by-side trial: what {@link dev.cgan.train.TrainingRun}
 * runs. Imported by {@code dev.cgan.train} and by the benchmark only; not API, may change in any
 * release.
 */
package dev.cgan.train.internal;
