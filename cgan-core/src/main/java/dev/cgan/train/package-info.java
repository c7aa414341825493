/**
 * What a user calls to train: {@link dev.cgan.train.TrainingRun} (create or resume a run, train it,
 * stop it), {@link dev.cgan.train.ResumeOptions} (what a resume may change), the listeners around
 * the loop and the rules the run keeps (settings settled against the data, memory checked before
 * anything is written). May use {@code run}, {@code data}, {@code model}, {@code image}, its own
 * {@code internal} and {@code dev.cgan.internal}; never {@code serve}.
 */
package dev.cgan.train;
