/** Pictures: PNG strips and grids, the loss plot; arrays in, pictures out. */
package dev.cgan.image;
