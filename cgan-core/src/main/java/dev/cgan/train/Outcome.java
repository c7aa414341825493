package dev.cgan.train;

/**
 * How a call of {@link TrainingRun#train} ended.
 *
 * @param iterations iterations the run has completed
 * @param stoppedEarly whether a stop was requested before the run's total
 * @param lastMetrics the last logged metrics, or null when none was logged
 */
public record Outcome(long iterations, boolean stoppedEarly, Metrics lastMetrics) {}
