/** Pictures: PNG strips and grids, looping GIFs, the loss plot; arrays in, pictures out. */
package dev.cgan.image;
