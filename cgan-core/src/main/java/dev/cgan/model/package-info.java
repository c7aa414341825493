/** The network: the generator, the discriminator and their shape; graph construction only. */
package dev.cgan.model;
