/**
 * How good generated digits are: a small CNN digit classifier trained on real MNIST digits (and
 * cached), and the metrics computed with it — conditional accuracy, Fréchet distance in its
 * features, classifier score and per-class diversity. Start at {@link dev.cgan.eval.Evaluator}.
 * Above {@code train} (its listener) and {@code serve} (it scores a generator); may use {@code
 * run}, {@code model}, {@code data} and {@code dev.cgan.internal}.
 */
package dev.cgan.eval;
