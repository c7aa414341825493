/**
 * Pictures: PNG strips and grids, looping GIFs, the loss plot; arrays in, pictures out. May use
 * {@code dev.cgan.internal} only.
 */
package dev.cgan.image;
