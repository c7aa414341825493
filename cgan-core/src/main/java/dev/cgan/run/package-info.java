/**
 * What a run is on disk: its folder and the names of everything in it ({@link
 * dev.cgan.run.RunFolder}), the settings stored in its {@code run.json}, its checkpoints and the
 * resolver that finds the newest one that restores.
 *
 * <p>Below both {@code dev.cgan.train} (which writes runs) and {@code dev.cgan.serve} (which reads
 * them); it may use {@code data}, {@code model} and {@code dev.cgan.internal}, never {@code train}
 * or {@code serve}. Only {@code RunFolder} spells a file name of a run.
 */
package dev.cgan.run;
