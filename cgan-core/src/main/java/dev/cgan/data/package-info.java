/**
 * Data sources (embedded MNIST, a verified MNIST download, IDX files, folders of images per class),
 * IDX reading and writing, image decoding and resampling: bytes in, arrays out. May use {@code
 * dev.cgan.internal} only.
 */
package dev.cgan.data;
