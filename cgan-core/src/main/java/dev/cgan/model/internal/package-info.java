/** Layers and helpers the networks are built from; not API, may change in any release. */
package dev.cgan.model.internal;
