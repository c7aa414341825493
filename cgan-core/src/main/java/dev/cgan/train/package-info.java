/** What a user calls to train: {@link dev.cgan.train.TrainingRun}, its settings and listeners. */
package dev.cgan.train;
