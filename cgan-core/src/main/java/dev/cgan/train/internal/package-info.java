/**
 * The training graph, the step, checkpoints, the run folder and its logs; not API, may change in
 * any release.
 */
package dev.cgan.train.internal;
