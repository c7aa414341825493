/**
 * What other applications use: the trained generator ({@link dev.cgan.serve.CganGenerator}), the
 * SavedModel export and a run's products. Reads runs through {@code dev.cgan.run}; may use {@code
 * model}, {@code image} and {@code dev.cgan.internal}; never {@code train}.
 */
package dev.cgan.serve;
