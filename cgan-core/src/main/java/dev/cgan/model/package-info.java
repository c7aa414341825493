/**
 * The network: the generator, the discriminator and their shape, built from {@code model.layers};
 * graph construction only. May use {@code dev.cgan.internal}; nothing above it.
 */
package dev.cgan.model;
